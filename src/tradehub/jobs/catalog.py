"""Every job and poller of the application, in one place.

A module that owns a job defines it in its ``tasks.py`` with ``@registry.job(...)`` and adds
its import here (api.md §10 lists ``kyc_expiry_reminders``, ``audit_archive`` and
``offer_expiry`` for the modules that own them).
"""

from __future__ import annotations

from tradehub.audit import tasks as audit_tasks
from tradehub.jobs import tasks as jobs_tasks
from tradehub.jobs.registry import Registry, registry
from tradehub.notification import tasks as notification_tasks
from tradehub.partner import tasks as partner_tasks
from tradehub.trade_desk import tasks as trade_desk_tasks

TASK_MODULES = (audit_tasks, jobs_tasks, notification_tasks, partner_tasks, trade_desk_tasks)


def application_registry() -> Registry:
    return registry
