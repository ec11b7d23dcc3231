"""One function per command. Each runs inside the caller's transaction: domain decision,
state change and outbox events commit together or not at all."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import asyncpg
from opentelemetry import trace

from traintrack.contracts.base import EventData
from traintrack.enrollment import events, store
from traintrack.enrollment.commands import (
    Actor,
    AdmitEnrollment,
    ApplyEnrollment,
    ChangeConsent,
    CompleteEnrollment,
    CreateInstitute,
    DefineProgramme,
    DropEnrollment,
    OpenCohort,
    RegisterTrainee,
    SubmitSurvey,
)
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain import catalogue
from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain import trainees as domain
from traintrack.enrollment.domain.enrollments import DropReason, Enrollment, EnrollmentStatus
from traintrack.platform.errors import Conflict, Forbidden, NotFound, Rejected
from traintrack.platform.messaging import outbox


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def _tag(trainee_id: str) -> None:
    trace.get_current_span().set_attribute("traintrack.trainee_id", trainee_id)


async def _emit(conn: asyncpg.Connection, *emitted: EventData) -> None:
    await outbox.add_events(conn, list(emitted), source=events.SOURCE)


# ---------------------------------------------------------------- catalogue


async def create_institute(cmd: CreateInstitute, conn: asyncpg.Connection) -> catalogue.Institute:
    institute = catalogue.define_institute(
        institute_id=cmd.institute_id, name=cmd.name, region_code=cmd.region_code
    )
    if not await store.add_institute(conn, institute):
        raise Conflict(f"institute {cmd.institute_id} exists", field="institute_id")
    return institute


async def define_programme(
    cmd: DefineProgramme, actor: Actor, conn: asyncpg.Connection
) -> catalogue.Programme:
    institute_id = _own_institute(actor)
    programme = catalogue.define_programme(institute_id=institute_id, **vars(cmd))
    if await store.get_institute(conn, institute_id) is None:
        raise Rejected(
            f"institute {institute_id} is not in the catalogue; an operator creates it first",
            field="institute_id",
        )
    if not await store.add_programme(conn, programme):
        raise Conflict(f"programme {cmd.programme_id} exists", field="programme_id")
    return programme


async def open_cohort(cmd: OpenCohort, actor: Actor, conn: asyncpg.Connection) -> catalogue.Cohort:
    programme = await store.get_programme(conn, cmd.programme_id)
    if programme is None or not actor.may_touch(programme.institute_id):
        raise NotFound(f"programme {cmd.programme_id}")
    cohort = catalogue.open_cohort(
        programme,
        cohort_id=cmd.cohort_id,
        starts_on=cmd.starts_on,
        ends_on=cmd.ends_on,
        capacity=cmd.capacity,
        closed_days=cmd.closed_days,
    )
    if not await store.add_cohort(conn, cohort):
        raise Conflict(f"cohort {cmd.cohort_id} exists", field="cohort_id")
    institute = await store.get_institute(conn, programme.institute_id)
    assert institute is not None
    await _emit(conn, events.cohort_opened(cohort, programme, institute))
    return cohort


def _own_institute(actor: Actor) -> str:
    if actor.institute_id is None:
        raise Forbidden("only an institute acts for itself here", field="institute_id")
    return actor.institute_id


# ---------------------------------------------------------------- trainees


async def register_trainee(
    cmd: RegisterTrainee, actor: Actor, conn: asyncpg.Connection
) -> domain.Trainee:
    institute_id = _own_institute(actor)
    trainee = domain.register_trainee(
        trainee_id=_new_id("tr"),
        institute_id=institute_id,
        birth_year=cmd.birth_year,
        region_code=cmd.region_code,
        status=cmd.status,
        consent_share_with_firms=cmd.consent_share_with_firms,
        personal=domain.PersonalDetails(cmd.name, cmd.email, cmd.phone),
        now=datetime.now(UTC),
    )
    _tag(trainee.trainee_id)
    if await store.get_institute(conn, institute_id) is None:
        raise Rejected(f"institute {institute_id} is not in the catalogue", field="institute_id")
    await store.add_trainee(conn, trainee, by=actor.name)
    await _emit(conn, events.trainee_registered(trainee))
    return trainee


async def trainee_of(actor: Actor, trainee_id: str, conn: asyncpg.Connection) -> domain.Trainee:
    """The trainee, if the actor may see them; another institute's trainee is not found."""
    trainee = await store.get_trainee(conn, trainee_id)
    if trainee is None or not actor.may_touch(trainee.institute_id):
        raise NotFound(f"trainee {trainee_id}")
    return trainee


async def change_consent(cmd: ChangeConsent, actor: Actor, conn: asyncpg.Connection) -> bool:
    _tag(cmd.trainee_id)
    trainee = await trainee_of(actor, cmd.trainee_id, conn)
    changed = domain.change_consent(trainee, share_with_firms=cmd.share_with_firms)
    if changed is None:
        return False
    now = datetime.now(UTC)
    await store.add_consent(conn, trainee.trainee_id, cmd.share_with_firms, now, by=actor.name)
    await _emit(conn, events.consent_changed(trainee.trainee_id, cmd.share_with_firms, now))
    return True


async def erase_trainee(trainee_id: str, conn: asyncpg.Connection) -> None:
    """Operator action: personal details go; the pseudonymous id and facts stay."""
    _tag(trainee_id)
    if await store.get_trainee(conn, trainee_id) is None:
        raise NotFound(f"trainee {trainee_id}")
    now = datetime.now(UTC)
    if await store.erase_personal_details(conn, trainee_id, now):
        await _emit(conn, events.trainee_erased(trainee_id, now))


# ---------------------------------------------------------------- enrollments


async def apply_enrollment(
    cmd: ApplyEnrollment, actor: Actor, conn: asyncpg.Connection
) -> Enrollment:
    _tag(cmd.trainee_id)
    trainee = await trainee_of(actor, cmd.trainee_id, conn)
    cohort = await store.get_cohort(conn, cmd.cohort_id, lock=cmd.admit)
    if cohort is None or not actor.may_touch(cohort.institute_id):
        raise NotFound(f"cohort {cmd.cohort_id}")
    enrollment = lifecycle.apply(
        enrollment_id=_new_id("en"),
        trainee_id=trainee.trainee_id,
        trainee_institute=trainee.institute_id,
        cohort=cohort,
        applied_on=cmd.applied_on,
    )
    if cmd.admit:
        enrollment = lifecycle.admit(
            enrollment,
            cohort,
            seats_taken=await store.seats_taken(conn, cohort.cohort_id),
            enrolled_on=max(cmd.applied_on, cohort.starts_on),
        )
    if not await store.add_enrollment(conn, enrollment):
        raise Conflict(f"trainee already enrolled in cohort {cmd.cohort_id}", field="cohort_id")
    if enrollment.status is EnrollmentStatus.ENROLLED:
        await _emit(conn, events.trainee_enrolled(enrollment, trainee.status))
    return enrollment


async def enrollment_of(
    actor: Actor,
    enrollment_id: str,
    conn: asyncpg.Connection,
    *,
    trainee_id: str | None = None,
    lock: bool = False,
) -> Enrollment:
    enrollment = await store.get_enrollment(conn, enrollment_id, lock=lock)
    if (
        enrollment is None
        or not actor.may_touch(enrollment.institute_id)
        or (trainee_id is not None and enrollment.trainee_id != trainee_id)
    ):
        raise NotFound(f"enrollment {enrollment_id}")
    _tag(enrollment.trainee_id)
    return enrollment


async def _cohort(
    conn: asyncpg.Connection, cohort_id: str, *, lock: bool = False
) -> catalogue.Cohort:
    cohort = await store.get_cohort(conn, cohort_id, lock=lock)
    assert cohort is not None  # an enrollment's cohort exists (foreign key)
    return cohort


async def admit_enrollment(
    cmd: AdmitEnrollment, actor: Actor, conn: asyncpg.Connection
) -> Enrollment:
    enrollment = await enrollment_of(actor, cmd.enrollment_id, conn, lock=True)
    cohort = await _cohort(conn, enrollment.cohort_id, lock=True)
    admitted = lifecycle.admit(
        enrollment,
        cohort,
        seats_taken=await store.seats_taken(conn, cohort.cohort_id),
        enrolled_on=cmd.enrolled_on,
    )
    await store.save_enrollment(conn, admitted)
    trainee = await store.get_trainee(conn, admitted.trainee_id)
    assert trainee is not None  # an enrollment's trainee exists (foreign key)
    await _emit(conn, events.trainee_enrolled(admitted, trainee.status))
    return admitted


async def complete_enrollment(
    cmd: CompleteEnrollment, actor: Actor, conn: asyncpg.Connection
) -> Enrollment:
    enrollment = await enrollment_of(
        actor, cmd.enrollment_id, conn, trainee_id=cmd.trainee_id, lock=True
    )
    cohort = await _cohort(conn, enrollment.cohort_id)
    records = (await store.attendance_of(conn, [enrollment.enrollment_id]))[
        enrollment.enrollment_id
    ]
    if cmd.hired_on is not None:
        done = lifecycle.complete_through_employment(enrollment, cohort, hired_on=cmd.hired_on)
        rate = rules.to_date_summary(cohort, records, cmd.hired_on).rate
    else:
        rate = rules.course_summary(cohort, records).rate
        done = lifecycle.complete(
            enrollment, cohort, completed_on=cmd.completed_on, attendance_rate=rate
        )
    await store.save_enrollment(conn, done)
    await _emit(conn, events.enrollment_completed(done, rate))
    return done


async def drop_enrollment(
    cmd: DropEnrollment, actor: Actor, conn: asyncpg.Connection
) -> Enrollment:
    enrollment = await enrollment_of(
        actor, cmd.enrollment_id, conn, trainee_id=cmd.trainee_id, lock=True
    )
    dropped = lifecycle.drop(enrollment, dropped_on=cmd.dropped_on, reason=DropReason(cmd.reason))
    await store.save_enrollment(conn, dropped)
    await _emit(conn, events.enrollment_dropped(dropped))
    return dropped


async def submit_survey(cmd: SubmitSurvey, actor: Actor, conn: asyncpg.Connection) -> None:
    enrollment = await enrollment_of(actor, cmd.enrollment_id, conn, trainee_id=cmd.trainee_id)
    if enrollment.status in (EnrollmentStatus.APPLIED, EnrollmentStatus.DROPPED):
        raise Conflict(
            f"an enrollment that is {enrollment.status} takes no survey", field="enrollment_id"
        )
    await store.upsert_survey(conn, enrollment.enrollment_id, cmd.score, cmd.submitted_on)
    await _emit(conn, events.survey_submitted(enrollment, cmd.score, cmd.submitted_on))


def today() -> date:
    return datetime.now(UTC).date()
