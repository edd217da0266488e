"""The monthly ``audit_archive`` job (api.md §10)."""

from __future__ import annotations

from datetime import time

from tradehub.audit.archive import archive_complete_months
from tradehub.jobs.domain import Monthly
from tradehub.jobs.registry import JobContext, registry
from tradehub.kit.storage import storage_for


@registry.job(
    "audit_archive",
    schedule=Monthly(day=1, at=time(1, 0)),
    description="Copy each complete month of the audit log to the file store (nothing is "
    "deleted); the copies anchor the hash chain outside the database",
)
async def audit_archive(ctx: JobContext) -> dict[str, int | str]:
    storage = storage_for(ctx.settings.storage_url, ctx.settings.s3_endpoint_url)
    archives = await archive_complete_months(ctx.session, storage, now=ctx.now)
    return {
        "months_archived": len(archives),
        "events_archived": sum(archive.event_count for archive in archives),
        "last_month": archives[-1].month if archives else "",
    }
