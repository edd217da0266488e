"""What the jobs API answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tradehub.kit.pagination import sort_enum

JobRunSort = sort_enum("JobRunSort", ["started_at", "period_start"])


class JobRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    job_name: str
    period_start: datetime = Field(description="The period this run covers (its start)")
    trigger: str = Field(examples=["schedule", "manual"])
    status: str = Field(
        description="running, succeeded or failed; a run left `running` long after it "
        "started means its process died",
        examples=["succeeded"],
    )
    worker: str = Field(description="Which runner ran it")
    started_at: datetime
    finished_at: datetime | None
    summary: dict[str, Any] | None = Field(examples=[{"requeued": 2}])
    error: str | None


class JobRead(BaseModel):
    name: str = Field(examples=["session_cleanup"])
    description: str
    schedule: str = Field(examples=["every hour"])
    cron: str = Field(examples=["0-59/5 * * * *"])
    current_period_start: datetime
    next_run_at: datetime = Field(description="Start of the next period")
    last_run: JobRunRead | None
