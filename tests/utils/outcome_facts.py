"""Outcome facts for tests: events with the time the platform learnt them, fed through the
outcomes worker's consumer."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from fastapi import FastAPI

from tests.utils import factories
from traintrack.contracts import codec
from traintrack.contracts import enrollment as enr
from traintrack.contracts.base import EventData
from traintrack.outcomes.bootstrap import event_consumer
from traintrack.platform.messaging.consumer import Outcome
from traintrack.platform.messaging.dlq import Delivery

ENDS = date(2026, 3, 31)
ENDED = datetime(2026, 4, 1, tzinfo=UTC)


async def feed(app: FastAPI, *timed_events: tuple[EventData, datetime]) -> None:
    """(event, time the platform learnt it) pairs, through the worker's consumer."""
    consumer = event_consumer(app.state.pool, name="outcomes-test", publish=_no_dead_letters)
    deliveries = [
        Delivery(
            event.topic.name, 0, n, codec.encode(codec.to_cloudevent(event, source="/t", time=at))
        )
        for n, (event, at) in enumerate(timed_events)
    ]
    outcomes = await consumer.process_batch(deliveries)
    assert set(outcomes) == {Outcome.APPLIED}


async def _no_dead_letters(*_: Any) -> None:
    raise AssertionError("nothing here is poison")


async def cohort_of(
    app: FastAPI, size: int, *, institute: str = "inst-a", region: str = "30"
) -> tuple[str, list[str]]:
    """A cohort that ended on 2026-03-31, everyone completed; their ids."""
    cohort = f"c-{uuid.uuid4().hex[:6]}"
    trainees = [factories.trainee_id() for _ in range(size)]
    events = [
        (
            factories.cohort_opened(
                cohort_id=cohort, institute_id=institute, region_code=region, ends_on=ENDS
            ),
            ENDED,
        )
    ]
    for t in trainees:
        events += [
            (factories.trainee_registered(trainee_id=t, institute_id=institute), ENDED),
            (
                factories.trainee_enrolled(
                    trainee_id=t, enrollment_id=f"en-{t}", institute_id=institute, cohort_id=cohort
                ),
                ENDED,
            ),
            (
                enr.EnrollmentCompleted(
                    trainee_id=t,
                    enrollment_id=f"en-{t}",
                    cohort_id=cohort,
                    completed_on=ENDS,
                    attendance_rate=0.9,
                    early_employment=False,
                ),
                ENDED,
            ),
        ]
    await feed(app, *events)
    return cohort, trainees


def employed(trainee: str, **overrides: Any) -> dict[str, Any]:
    return {
        "trainee_id": trainee,
        "kind": "employed",
        "starts_on": "2026-05-04",
        "employer": "대덕AI랩",
        "insured": True,
        "monthly_earnings": 3_000_000,
    } | overrides
