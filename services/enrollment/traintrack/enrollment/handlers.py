"""One function per command, `verb_noun(command, uow)`: the domain decides, the
repositories keep the state, `uow.emit` queues the events; the bus commits them together.

Who may touch what is decided here (and in domain.actors): another institute's trainee,
cohort or enrollment is not found, exactly as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

from opentelemetry import trace

from traintrack.contracts.vocabulary import AttendanceStatus, DropReason, TraineeStatus
from traintrack.enrollment.adapters import mapping as events
from traintrack.enrollment.adapters.uow import EnrollmentUnitOfWork
from traintrack.enrollment.commands import (
    AdmitEnrollment,
    AnswerOnce,
    ApplyEnrollment,
    ChangeConsent,
    CloseCohort,
    CloseDueEnrollments,
    CompleteEnrollment,
    CreateInstitute,
    DefineProgramme,
    DropEnrollment,
    EraseTrainee,
    ImportAttendance,
    ImportTrainees,
    OpenCohort,
    RecordAttendance,
    RegisterTrainee,
    SubmitSurvey,
)
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain import catalogue, closing, onboarding, recording
from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain import trainees as domain
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.closing import Closed
from traintrack.enrollment.domain.enrollments import Enrollment, EnrollmentStatus
from traintrack.enrollment.domain.reports import BatchResult, ImportReport, RowError
from traintrack.platform.errors import Conflict, NotFound, Rejected

UoW = EnrollmentUnitOfWork
IMPORT_CHUNK = 5000  # rows decided and written per round of a bulk import


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def _tag(trainee_id: str) -> None:
    trace.get_current_span().set_attribute("traintrack.trainee_id", trainee_id)


# ---------------------------------------------------------------- catalogue


async def create_institute(cmd: CreateInstitute, uow: UoW) -> catalogue.Institute:
    institute = catalogue.define_institute(
        institute_id=cmd.institute_id, name=cmd.name, region_code=cmd.region_code
    )
    if not await uow.catalogue.add_institute(institute):
        raise Conflict(f"institute {cmd.institute_id} exists", field="institute_id")
    return institute


async def define_programme(cmd: DefineProgramme, uow: UoW) -> catalogue.Programme:
    institute_id = cmd.actor.own_institute()
    fields = {k: v for k, v in vars(cmd).items() if k != "actor"}
    programme = catalogue.define_programme(institute_id=institute_id, **fields)
    if await uow.catalogue.get_institute(institute_id) is None:
        raise Rejected(
            f"institute {institute_id} is not in the catalogue; an operator creates it first",
            field="institute_id",
        )
    if not await uow.catalogue.add_programme(programme):
        raise Conflict(f"programme {cmd.programme_id} exists", field="programme_id")
    return programme


async def open_cohort(cmd: OpenCohort, uow: UoW) -> catalogue.Cohort:
    programme = await uow.catalogue.get_programme(cmd.programme_id)
    if programme is None or not cmd.actor.may_touch(programme.institute_id):
        raise NotFound(f"programme {cmd.programme_id}")
    cohort = catalogue.open_cohort(
        programme,
        cohort_id=cmd.cohort_id,
        starts_on=cmd.starts_on,
        ends_on=cmd.ends_on,
        capacity=cmd.capacity,
        closed_days=cmd.closed_days,
    )
    if not await uow.catalogue.add_cohort(cohort):
        raise Conflict(f"cohort {cmd.cohort_id} exists", field="cohort_id")
    institute = await uow.catalogue.get_institute(programme.institute_id)
    assert institute is not None
    uow.emit(events.cohort_opened(cohort, programme, institute))
    return cohort


# ---------------------------------------------------------------- trainees


async def register_trainee(cmd: RegisterTrainee, uow: UoW) -> domain.Trainee:
    institute_id = cmd.actor.own_institute()
    person = domain.Person(**{k: v for k, v in vars(cmd).items() if k != "actor"})
    trainee = domain.register_person(
        person, trainee_id=_new_id("tr"), institute_id=institute_id, now=datetime.now(UTC)
    )
    _tag(trainee.trainee_id)
    if await uow.catalogue.get_institute(institute_id) is None:
        raise Rejected(f"institute {institute_id} is not in the catalogue", field="institute_id")
    await uow.trainees.add(trainee, by=cmd.actor.name)
    uow.emit(events.trainee_registered(trainee))
    return trainee


async def trainee_of(actor: Actor, trainee_id: str, uow: UoW) -> domain.Trainee:
    """The trainee, if the actor may see them; another institute's trainee is not found."""
    trainee = await uow.trainees.get(trainee_id)
    if trainee is None or not actor.may_touch(trainee.institute_id):
        raise NotFound(f"trainee {trainee_id}")
    return trainee


async def change_consent(cmd: ChangeConsent, uow: UoW) -> domain.Trainee:
    """The trainee as they are now (unchanged when the consent was already so)."""
    _tag(cmd.trainee_id)
    trainee = await trainee_of(cmd.actor, cmd.trainee_id, uow)
    changed = domain.change_consent(trainee, share_with_firms=cmd.share_with_firms)
    if changed is None:
        return trainee
    now = datetime.now(UTC)
    await uow.trainees.add_consent(trainee.trainee_id, cmd.share_with_firms, now, by=cmd.actor.name)
    uow.emit(events.consent_changed(trainee.trainee_id, cmd.share_with_firms, now))
    return changed


async def erase_trainee(cmd: EraseTrainee, uow: UoW) -> None:
    _tag(cmd.trainee_id)
    if await uow.trainees.get(cmd.trainee_id) is None:
        raise NotFound(f"trainee {cmd.trainee_id}")
    now = datetime.now(UTC)
    if await uow.trainees.erase_personal_details(cmd.trainee_id, now):
        uow.emit(events.trainee_erased(cmd.trainee_id, now))


# ---------------------------------------------------------------- enrollments


async def apply_enrollment(cmd: ApplyEnrollment, uow: UoW) -> Enrollment:
    _tag(cmd.trainee_id)
    trainee = await trainee_of(cmd.actor, cmd.trainee_id, uow)
    cohort = await uow.catalogue.get_cohort(cmd.cohort_id, lock=cmd.admit)
    if cohort is None or not cmd.actor.may_touch(cohort.institute_id):
        raise NotFound(f"cohort {cmd.cohort_id}")
    enrollment = lifecycle.apply(
        enrollment_id=_new_id("en"),
        trainee_id=trainee.trainee_id,
        trainee_institute=trainee.institute_id,
        cohort=cohort,
        applied_on=cmd.applied_on,
    )
    if cmd.admit:
        seats = await uow.enrollments.seats_taken([cohort.cohort_id])
        enrollment = lifecycle.admit(
            enrollment,
            cohort,
            seats_taken=seats[cohort.cohort_id],
            enrolled_on=max(cmd.applied_on, cohort.starts_on),
        )
    if not await uow.enrollments.add(enrollment):
        raise Conflict(f"trainee already enrolled in cohort {cmd.cohort_id}", field="cohort_id")
    if enrollment.status is EnrollmentStatus.ENROLLED:
        uow.emit(events.trainee_enrolled(enrollment, trainee.status))
    return enrollment


async def enrollment_of(
    actor: Actor, enrollment_id: str, uow: UoW, *, trainee_id: str | None = None, lock: bool = False
) -> Enrollment:
    """The enrollment, if the actor may see it (and it is the trainee's, when given)."""
    enrollment = await uow.enrollments.get(enrollment_id, lock=lock)
    if (
        enrollment is None
        or not actor.may_touch(enrollment.institute_id)
        or (trainee_id is not None and enrollment.trainee_id != trainee_id)
    ):
        raise NotFound(f"enrollment {enrollment_id}")
    _tag(enrollment.trainee_id)
    return enrollment


async def _cohort(uow: UoW, cohort_id: str, *, lock: bool = False) -> catalogue.Cohort:
    cohort = await uow.catalogue.get_cohort(cohort_id, lock=lock)
    assert cohort is not None  # an enrollment's cohort exists (foreign key)
    return cohort


async def admit_enrollment(cmd: AdmitEnrollment, uow: UoW) -> Enrollment:
    enrollment = await enrollment_of(cmd.actor, cmd.enrollment_id, uow, lock=True)
    cohort = await _cohort(uow, enrollment.cohort_id, lock=True)
    seats = await uow.enrollments.seats_taken([cohort.cohort_id])
    admitted = lifecycle.admit(
        enrollment, cohort, seats_taken=seats[cohort.cohort_id], enrolled_on=cmd.enrolled_on
    )
    await uow.enrollments.save(admitted)
    trainee = await uow.trainees.get(admitted.trainee_id)
    assert trainee is not None  # an enrollment's trainee exists (foreign key)
    uow.emit(events.trainee_enrolled(admitted, trainee.status))
    return admitted


async def complete_enrollment(cmd: CompleteEnrollment, uow: UoW) -> Enrollment:
    enrollment = await enrollment_of(
        cmd.actor, cmd.enrollment_id, uow, trainee_id=cmd.trainee_id, lock=True
    )
    cohort = await _cohort(uow, enrollment.cohort_id)
    records = (await uow.attendance.of([enrollment.enrollment_id]))[enrollment.enrollment_id]
    if cmd.hired_on is not None:
        done = lifecycle.complete_through_employment(enrollment, cohort, hired_on=cmd.hired_on)
        rate = rules.to_date_summary(cohort, records, cmd.hired_on).rate
    else:
        rate = rules.course_summary(cohort, records).rate
        done = lifecycle.complete(
            enrollment, cohort, completed_on=cmd.completed_on, attendance_rate=rate
        )
    await uow.enrollments.save(done)
    uow.emit(events.enrollment_completed(done, rate))
    return done


async def drop_enrollment(cmd: DropEnrollment, uow: UoW) -> Enrollment:
    enrollment = await enrollment_of(
        cmd.actor, cmd.enrollment_id, uow, trainee_id=cmd.trainee_id, lock=True
    )
    dropped = lifecycle.drop(enrollment, dropped_on=cmd.dropped_on, reason=DropReason(cmd.reason))
    await uow.enrollments.save(dropped)
    uow.emit(events.enrollment_dropped(dropped))
    return dropped


async def submit_survey(cmd: SubmitSurvey, uow: UoW) -> None:
    enrollment = await enrollment_of(cmd.actor, cmd.enrollment_id, uow, trainee_id=cmd.trainee_id)
    if enrollment.status in (EnrollmentStatus.APPLIED, EnrollmentStatus.DROPPED):
        raise Conflict(
            f"an enrollment that is {enrollment.status} takes no survey", field="enrollment_id"
        )
    await uow.enrollments.upsert_survey(enrollment.enrollment_id, cmd.score, cmd.submitted_on)
    uow.emit(events.survey_submitted(enrollment, cmd.score, cmd.submitted_on))


# ---------------------------------------------------------------- attendance


async def record_attendance(
    cmd: RecordAttendance, uow: UoW, *, warn_below: Fraction = rules.WARNING_MARGIN
) -> BatchResult:
    """The days, with the at-risk alerts they raise: each row checked on its own (a refused
    row is reported by its position, from 1), the store read and written set-wise. The
    enrollments are held FOR SHARE: the closing sweep leaves them for its next round."""
    ids = sorted({d.enrollment_id for d in cmd.days})
    enrollments = await uow.enrollments.by_id(ids, share=True)
    cohorts = await uow.catalogue.cohorts_by_id(sorted({e.cohort_id for e in enrollments.values()}))
    records = await uow.attendance.of(ids)
    result, accepted = BatchResult(), []
    for number, row in enumerate(cmd.days, start=1):
        day = rules.AttendanceDay(
            row.day, AttendanceStatus(row.status), row.check_in, row.check_out
        )
        try:
            recording.check(
                day,
                actor=cmd.actor,
                trainee_id=row.trainee_id,
                enrollment_id=row.enrollment_id,
                enrollment=enrollments.get(row.enrollment_id),
                cohorts=cohorts,
            )
        except Rejected as refused:
            error = RowError(number, refused.field or "enrollment_id", refused.detail, refused)
            result.errors.append(error)
        else:
            accepted.append((row.enrollment_id, day))
    for enrollment_id, day in accepted:
        records[enrollment_id][day.day] = day.status
    await uow.attendance.upsert(accepted)
    for enrollment_id, day in accepted:
        enrollment = enrollments[enrollment_id]
        cohort, days = cohorts[enrollment.cohort_id], records[enrollment_id]
        to_date = rules.to_date_summary(cohort, days, day.day)
        month = rules.between(cohort, days, day.day.replace(day=1), day.day)
        uow.emit(events.attendance_recorded(enrollment, day.day, day.status, to_date, month))
    alerted = await uow.attendance.alerts_of(ids)
    risks = recording.new_risks(accepted, enrollments, cohorts, records, alerted, warn_below)
    await uow.attendance.add_alerts([(r.alert, r.detected_on) for r in risks])
    uow.emit(*(events.attendance_at_risk(r.enrollment, r.risk, r.detected_on) for r in risks))
    result.accepted = len(accepted)
    return result


# ---------------------------------------------------------------- closing


async def close_due_enrollments(
    cmd: CloseDueEnrollments, uow: UoW, *, grace_days: int = 7
) -> Closed:
    """One round of the sweep (`more` when another may find more): the enrollments it
    finds are locked, those another transaction holds are left for the next round."""
    found = await uow.enrollments.due_for_closing(
        today=cmd.today, grace_days=grace_days, limit=cmd.limit
    )
    cohorts = await uow.catalogue.cohorts_by_id(sorted({e.cohort_id for e, _ in found}))
    due = closing.due(found, cohorts, today=cmd.today, grace_days=grace_days)
    closed = await _close(uow, due, cmd.today) if due else Closed()
    closed.more = len(found) == cmd.limit and bool(due)
    return closed


async def close_cohort(cmd: CloseCohort, uow: UoW) -> Closed:
    cohort = await uow.catalogue.get_cohort(cmd.cohort_id, lock=True)
    if cohort is None or not cmd.actor.may_touch(cohort.institute_id):
        raise NotFound(f"cohort {cmd.cohort_id}")
    closing.check_ended(cohort, cmd.today)
    enrollments = await uow.enrollments.in_training(cohort.cohort_id)
    return await _close(uow, enrollments, cmd.today) if enrollments else Closed()


async def _close(uow: UoW, enrollments: list[Enrollment], today: date) -> Closed:
    """Close `enrollments` (locked, all still enrolled) as of `today`."""
    cohorts = await uow.catalogue.cohorts_by_id(sorted({e.cohort_id for e in enrollments}))
    records = await uow.attendance.of([e.enrollment_id for e in enrollments])
    ended = closing.close(enrollments, cohorts, records, today)
    await uow.enrollments.save_closed([e for e, _ in ended])
    for enrollment, rate in ended:
        if enrollment.status is EnrollmentStatus.COMPLETED:
            uow.emit(events.enrollment_completed(enrollment, rate))
        else:
            uow.emit(events.enrollment_not_completed(enrollment, rate, today))
    return closing.tally(ended)


# ---------------------------------------------------------------- bulk imports


async def import_trainees(cmd: ImportTrainees, uow: UoW) -> onboarding.OnboardResult:
    """Every row registered and enrolled, found imported before, or refused, in row order;
    one import per institute at a time."""
    institute_id = cmd.actor.own_institute()
    await uow.trainees.lock_imports_of(institute_id)
    result = onboarding.OnboardResult(errors=list(cmd.refused))
    for start in range(0, len(cmd.rows), IMPORT_CHUNK):
        await _onboard(uow, cmd.actor, cmd.rows[start : start + IMPORT_CHUNK], result)
    result.done.sort(key=lambda d: d.row)
    result.errors.sort(key=lambda e: e.row)
    return result


async def _onboard(
    uow: UoW,
    actor: Actor,
    rows: tuple[onboarding.OnboardRow, ...],
    result: onboarding.OnboardResult,
) -> None:
    institute_id = actor.own_institute()
    state = await _known(uow, institute_id, rows)
    now = datetime.now(UTC)
    for row in rows:
        try:
            done = onboarding.decide(row, institute_id, state, now)
        except Rejected as refused:
            result.errors.append(RowError(row.number, refused.field or "ref", refused.detail))
        else:
            if done is not None:
                result.done.append(done)
    await uow.trainees.add_many(state.trainees, by=actor.name)
    await uow.trainees.add_refs(institute_id, state.new_refs)
    made = await uow.enrollments.add_many([e for _, _, e, _ in state.enrollments])
    uow.emit(*(events.trainee_registered(t) for t in state.trainees))
    uow.emit(
        *(
            events.trainee_enrolled(enrollment, TraineeStatus(status))
            for _, _, enrollment, status in state.enrollments
            if enrollment.enrollment_id in made
        )
    )
    made_now, lost = onboarding.settle(state, made)
    result.done += made_now
    result.errors += lost


async def _known(
    uow: UoW, institute_id: str, rows: tuple[onboarding.OnboardRow, ...]
) -> onboarding.Batch:
    """What the store knows of the rows' cohorts (locked: seats in row order) and refs."""
    cohort_ids = sorted({r.cohort_id for r in rows})
    cohorts = {
        c.cohort_id: c
        for c in (await uow.catalogue.cohorts_by_id(cohort_ids, lock=True)).values()
        if c.institute_id == institute_id
    }
    refs = await uow.trainees.known_refs(institute_id, sorted({r.ref for r in rows}))
    return onboarding.Batch(
        refs,
        cohorts,
        await uow.enrollments.seats_taken(sorted(cohorts)),
        await uow.enrollments.of_trainees(sorted({k.trainee_id for k in refs.values()})),
    )


async def import_attendance(
    cmd: ImportAttendance, uow: UoW, *, warn_below: Fraction = rules.WARNING_MARGIN
) -> ImportReport:
    """Good rows kept, bad rows reported with their number in the CSV."""
    report = ImportReport(errors=list(cmd.refused))
    for start in range(0, len(cmd.rows), IMPORT_CHUNK):
        chunk = cmd.rows[start : start + IMPORT_CHUNK]
        days = RecordAttendance(cmd.actor, tuple(day for _, day in chunk))
        result = await record_attendance(days, uow, warn_below=warn_below)
        numbers = [n for n, _ in chunk]
        report.errors += [RowError(numbers[e.row - 1], e.field, e.message) for e in result.errors]
        report.accepted += result.accepted
    report.errors.sort(key=lambda e: e.row)
    return report


# ---------------------------------------------------------------- retries


async def answer_once(cmd: AnswerOnce, uow: UoW) -> Any:
    """The first answer to the key, or the command's, kept for the key's retries."""
    first = await uow.idempotency.claim(cmd.claim)
    if first is not None:
        return first
    answer = cmd.present(await HANDLERS[type(cmd.command)](cmd.command, uow))
    await uow.idempotency.remember(cmd.claim, cmd.status, answer)
    return answer


Handler = Callable[..., Awaitable[Any]]

HANDLERS: dict[type, Handler] = {
    CreateInstitute: create_institute,
    DefineProgramme: define_programme,
    OpenCohort: open_cohort,
    CloseCohort: close_cohort,
    RegisterTrainee: register_trainee,
    ChangeConsent: change_consent,
    EraseTrainee: erase_trainee,
    ApplyEnrollment: apply_enrollment,
    AdmitEnrollment: admit_enrollment,
    CompleteEnrollment: complete_enrollment,
    DropEnrollment: drop_enrollment,
    SubmitSurvey: submit_survey,
    RecordAttendance: record_attendance,
    CloseDueEnrollments: close_due_enrollments,
    ImportTrainees: import_trainees,
    ImportAttendance: import_attendance,
    AnswerOnce: answer_once,
}
