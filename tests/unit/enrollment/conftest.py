"""A fake unit of work with a small catalogue, and the bus the handlers run on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

import pytest

from tests.unit.enrollment.fakes import FakeEnrollmentUnitOfWork
from traintrack.contracts.vocabulary import Track
from traintrack.enrollment.bootstrap import handlers
from traintrack.enrollment.domain import catalogue
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.attendance import WARNING_MARGIN
from traintrack.enrollment.domain.enrollments import Enrollment, EnrollmentStatus
from traintrack.enrollment.domain.trainees import PersonalDetails, Trainee
from traintrack.platform.bus import MessageBus

INSTITUTE = Actor("institute:inst-a", "inst-a")
OTHER = Actor("institute:inst-b", "inst-b")
OPERATOR = Actor("operator:ops-1", None)
# Mon 6 to Fri 17 April 2026: ten training days, no public holiday.
FIRST, LAST = date(2026, 4, 6), date(2026, 4, 17)


def training_days() -> list[date]:
    return [d for d in (date(2026, 4, n) for n in range(6, 18)) if d.weekday() < 5]


@pytest.fixture
def uow() -> FakeEnrollmentUnitOfWork:
    """inst-a with programme prog-a and cohort c-a (two seats); inst-b with cohort c-b."""
    uow = FakeEnrollmentUnitOfWork()
    for institute_id in ("inst-a", "inst-b"):
        institute = catalogue.define_institute(
            institute_id=institute_id, name=f"Institute {institute_id}", region_code="11"
        )
        uow.catalogue.institutes[institute_id] = institute
        programme = catalogue.define_programme(
            programme_id=f"prog-{institute_id[-1]}",
            institute_id=institute_id,
            name="Cloud engineering",
            track=Track.K_DIGITAL_TRAINING,
            field="cloud",
            hours=800,
            capacity=30,
            project_work_share=0.4,
        )
        uow.catalogue.programmes[programme.programme_id] = programme
        cohort = catalogue.open_cohort(
            programme, cohort_id=f"c-{institute_id[-1]}", starts_on=FIRST, ends_on=LAST, capacity=2
        )
        uow.catalogue.cohorts[cohort.cohort_id] = cohort
    return uow


def trainee(uow: FakeEnrollmentUnitOfWork, trainee_id: str = "tr-1", institute: str = "inst-a"):
    made = Trainee(
        trainee_id,
        institute,
        1998,
        "11",
        "job_seeker",
        False,
        datetime(2026, 3, 1, tzinfo=UTC),
        PersonalDetails("김민준", "minjun@example.org", None),
    )
    uow.trainees.trainees[trainee_id] = made
    return made


def enrolled(
    uow: FakeEnrollmentUnitOfWork,
    enrollment_id: str = "en-1",
    trainee_id: str = "tr-1",
    cohort_id: str = "c-a",
    status: EnrollmentStatus = EnrollmentStatus.ENROLLED,
    known_on: date | None = None,
) -> Enrollment:
    institute = uow.catalogue.cohorts[cohort_id].institute_id
    if trainee_id not in uow.trainees.trainees:
        trainee(uow, trainee_id, institute)
    enrolled_on = FIRST if status is not EnrollmentStatus.APPLIED else None
    return uow.enrollments.put(
        Enrollment(
            enrollment_id,
            trainee_id,
            institute,
            cohort_id,
            date(2026, 3, 20),
            status,
            enrolled_on,
        ),
        known_on=known_on,
    )


async def handle(
    uow: FakeEnrollmentUnitOfWork,
    command: object,
    *,
    warn_below: Fraction = WARNING_MARGIN,
    grace_days: int = 7,
) -> Any:
    """`command` through the bus on `uow` (committed if its handler returns), with the
    handlers given the settings as bootstrap gives them."""
    bus = MessageBus(handlers(warn_below=warn_below, grace_days=grace_days), lambda: uow)
    return await bus.handle(command)
