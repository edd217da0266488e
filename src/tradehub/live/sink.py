"""The trade desk's events, after their transaction commits, onto the hub's channels.

``trade_desk.events`` calls the sink once per committed event; it publishes to
``user:<id>`` for each addressed user and to ``organization:<id>`` when the event names one.
Who is addressed is the trade desk's decision.
"""

from __future__ import annotations

import asyncio

from tradehub.live.domain import organization_channel, user_channel
from tradehub.live.hub import Hub
from tradehub.trade_desk.events import Event, Sink


def channels_of(event: Event) -> list[str]:
    channels = [user_channel(user_id) for user_id in event.user_ids]
    if event.organization_id is not None:
        channels.append(organization_channel(event.organization_id))
    return channels


def trade_desk_sink(hub: Hub) -> Sink:
    async def publish(event: Event) -> None:
        # Every channel is tried; the first failure is raised afterwards for the caller to log.
        results = await asyncio.gather(
            *(
                hub.publish(channel, event.name, event.data, event_id=event.id)
                for channel in channels_of(event)
            ),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    return publish
