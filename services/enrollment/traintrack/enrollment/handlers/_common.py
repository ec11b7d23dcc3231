"""What the handler modules share: the unit of work's type, new ids, the span's trainee."""

from __future__ import annotations

import uuid

from opentelemetry import trace

from traintrack.enrollment.adapters.uow import EnrollmentUnitOfWork

UoW = EnrollmentUnitOfWork


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def tag_trainee(trainee_id: str) -> None:
    trace.get_current_span().set_attribute("traintrack.trainee_id", trainee_id)
