"""Enrollments and what happens during a course: admission, attendance, surveys, the end."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from fractions import Fraction

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from traintrack.contracts import attendance_csv
from traintrack.contracts.submissions import (
    CompleteEnrollment,
    DropEnrollment,
    RecordAttendance,
    SubmitSurvey,
)
from traintrack.enrollment import attendance, closing, handlers, store
from traintrack.enrollment.api.deps import (
    CohortIdQuery,
    InstituteActor,
    OperatorActor,
    PoolDep,
    ReaderActor,
    SettingsDep,
    WarnBelow,
)
from traintrack.enrollment.api.schemas import (
    AdmitBody,
    AtRiskEnrollment,
    AtRiskPeriod,
    AttendanceReport,
    ClosedPublic,
    EnrollmentCreate,
    EnrollmentPublic,
    ImportReport,
    PeriodRate,
    RowErrorPublic,
)
from traintrack.enrollment.commands import AdmitEnrollment, ApplyEnrollment
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.enrollments import Enrollment
from traintrack.platform.errors import Rejected, TooLarge
from traintrack.platform.web import idempotency
from traintrack.platform.web.idempotency import IdempotencyKey

router = APIRouter(prefix="/v1", tags=["enrollments"])
MAX_IMPORT_BYTES = 32 * 1024 * 1024
IMPORT_CHUNK = 5000


def _public(enrollment: Enrollment) -> EnrollmentPublic:
    return EnrollmentPublic(**asdict(enrollment))


@router.post("/enrollments", status_code=status.HTTP_201_CREATED, response_model=EnrollmentPublic)
async def apply_enrollment(
    body: EnrollmentCreate,
    request: Request,
    pool: PoolDep,
    actor: InstituteActor,
    idempotency_key: IdempotencyKey = None,
) -> EnrollmentPublic | JSONResponse:
    """Apply a trainee to a cohort and, by default, admit them (takes a seat). Send an
    `Idempotency-Key` to retry safely: the same key returns the first answer."""

    async def apply() -> EnrollmentPublic:
        command = ApplyEnrollment(**body.model_dump())
        return _public(await handlers.apply_enrollment(command, actor, conn))

    async with pool.acquire() as conn, conn.transaction():
        return await idempotency.once(request, conn, idempotency_key, body, apply)


@router.post("/enrollments/close-due")
async def close_due(pool: PoolDep, _: OperatorActor, settings: SettingsDep) -> ClosedPublic:
    """Close now every enrollment whose cohort ended more than the grace period ago
    (`ENROLLMENT_COMPLETION_GRACE_DAYS`), as the API does every half minute: completed at
    >= 80 % on the cohort's last day, otherwise not completed (operators only)."""
    closed = await closing.close_due(
        pool, today=handlers.today(), grace_days=settings.completion_grace_days
    )
    return ClosedPublic(completed=closed.completed, not_completed=closed.not_completed)


@router.get("/enrollments/at-risk")
async def list_at_risk(
    pool: PoolDep,
    actor: ReaderActor,
    warn_below: WarnBelow,
    cohort_id: CohortIdQuery = None,
    level: rules.RiskLevel | None = None,
) -> list[AtRiskEnrollment]:
    """Enrollments in training whose attendance is at risk now: `warning` (80 % still in
    reach, the best possible rate below the warning margin) or `unreachable`, with their
    rates (an institute sees its own; operators all)."""
    async with pool.acquire() as conn:
        found = await store.alerted_enrollments(
            conn, institute_id=actor.institute_id, cohort_id=cohort_id
        )
        cohorts = await store.cohorts_by_id(conn, sorted({e.cohort_id for e in found}))
        records = await store.attendance_of(conn, [e.enrollment_id for e in found])
    listed = []
    for enrollment in found:
        cohort = cohorts[enrollment.cohort_id]
        risks = rules.current_risks(cohort, records[enrollment.enrollment_id], warn_below)
        worst = max((r.level for r in risks), key=list(rules.RiskLevel).index, default=None)
        if worst is None or (level is not None and worst is not level):
            continue
        listed.append(_at_risk(enrollment, cohort, records[enrollment.enrollment_id], risks))
    return listed


def _at_risk(
    enrollment: Enrollment,
    cohort: Cohort,
    records: dict[date, rules.AttendanceStatus],
    risks: list[rules.Risk],
) -> AtRiskEnrollment:
    course = rules.course_summary(cohort, records)
    unreachable = any(r.level is rules.RiskLevel.UNREACHABLE for r in risks)
    return AtRiskEnrollment(
        enrollment_id=enrollment.enrollment_id,
        trainee_id=enrollment.trainee_id,
        cohort_id=enrollment.cohort_id,
        level="unreachable" if unreachable else "warning",
        rate_to_date=_float(rules.to_date_summary(cohort, records, handlers.today()).rate),
        course_rate=_float(course.rate),
        course_best_possible=_float(course.best_possible),
        periods=[
            AtRiskPeriod(
                scope=r.scope,
                period=r.period,
                level=r.level.value,
                rate=_float(r.summary.rate),
                best_possible=_float(r.summary.best_possible),
            )
            for r in risks
        ],
    )


def _float(value: Fraction) -> float:
    return round(float(value), 4)


@router.get("/enrollments/{enrollment_id}")
async def read_enrollment(
    enrollment_id: str, pool: PoolDep, actor: ReaderActor
) -> EnrollmentPublic:
    """One enrollment (its institute, or an operator)."""
    async with pool.acquire() as conn:
        return _public(await handlers.enrollment_of(actor, enrollment_id, conn))


@router.post("/enrollments/{enrollment_id}/admit")
async def admit_enrollment(
    enrollment_id: str, body: AdmitBody, pool: PoolDep, actor: InstituteActor
) -> EnrollmentPublic:
    """Admit a pending application, if the cohort has a seat left."""
    async with pool.acquire() as conn, conn.transaction():
        return _public(
            await handlers.admit_enrollment(
                AdmitEnrollment(enrollment_id, body.enrolled_on), actor, conn
            )
        )


@router.post("/completions")
async def complete_enrollment(
    body: CompleteEnrollment, pool: PoolDep, actor: InstituteActor
) -> EnrollmentPublic:
    """Complete an enrollment (>= 80 % attendance), or through early employment."""
    async with pool.acquire() as conn, conn.transaction():
        return _public(await handlers.complete_enrollment(body, actor, conn))


@router.post("/drop-outs")
async def drop_enrollment(
    body: DropEnrollment, pool: PoolDep, actor: InstituteActor
) -> EnrollmentPublic:
    """Record that a trainee left the course, with the reason."""
    async with pool.acquire() as conn, conn.transaction():
        return _public(await handlers.drop_enrollment(body, actor, conn))


@router.post("/surveys", status_code=status.HTTP_201_CREATED)
async def submit_survey(body: SubmitSurvey, pool: PoolDep, actor: InstituteActor) -> SubmitSurvey:
    """A trainee's satisfaction score (0-100) for their cohort."""
    async with pool.acquire() as conn, conn.transaction():
        await handlers.submit_survey(body, actor, conn)
    return body


@router.post("/attendance", status_code=status.HTTP_201_CREATED)
async def record_attendance(
    body: RecordAttendance, pool: PoolDep, actor: InstituteActor, warn_below: WarnBelow
) -> RecordAttendance:
    """Record (or correct) one training day."""
    async with pool.acquire() as conn, conn.transaction():
        await attendance.record_one(body, actor, conn, warn_below=warn_below)
    return body


@router.post(
    "/imports/attendance",
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    },
)
async def import_attendance(
    request: Request, pool: PoolDep, actor: InstituteActor, warn_below: WarnBelow
) -> ImportReport:
    """Import attendance rows from CSV (columns: trainee_id, enrollment_id, day, status,
    check_in, check_out). Good rows are kept, bad rows reported with their number."""
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise TooLarge(f"at most {MAX_IMPORT_BYTES} bytes per import", field="body")
    try:
        lines = body.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise Rejected("the CSV is not UTF-8", field="body") from error
    report = ImportReport(rows=0, accepted=0, rejected=0, errors=[])
    good: list[tuple[int, RecordAttendance]] = []
    for number, parsed in attendance_csv.parse(lines):
        if isinstance(parsed, attendance_csv.BadRow):
            report.errors.append(RowErrorPublic(**asdict(parsed)))
        else:
            good.append((number, parsed))
    if report.errors and report.errors[0].row == 0:
        raise Rejected(report.errors[0].message, field=report.errors[0].field)
    async with pool.acquire() as conn, conn.transaction():
        for start in range(0, len(good), IMPORT_CHUNK):
            chunk = good[start : start + IMPORT_CHUNK]
            result = await attendance.record_attendance(
                [c for _, c in chunk], actor, conn, warn_below=warn_below
            )
            numbers = [n for n, _ in chunk]
            report.errors += [
                RowErrorPublic(row=numbers[e.row - 1], field=e.field, message=e.message)
                for e in result.errors
            ]
            report.accepted += result.accepted
    report.errors.sort(key=lambda e: e.row)
    report.rows = report.accepted + len(report.errors)
    report.rejected = len(report.errors)
    return report


@router.get("/enrollments/{enrollment_id}/attendance")
async def attendance_report(
    enrollment_id: str, pool: PoolDep, actor: ReaderActor, as_of: date | None = None
) -> AttendanceReport:
    """Attendance rates: to date, per month and over the course, with the 80 % risk."""
    async with pool.acquire() as conn:
        enrollment = await handlers.enrollment_of(actor, enrollment_id, conn)
        cohort = await store.get_cohort(conn, enrollment.cohort_id)
        records = (await store.attendance_of(conn, [enrollment_id]))[enrollment_id]
    assert cohort is not None
    as_of = as_of or handlers.today()
    months = sorted({rules.month_of(d) for d in cohort.training_days()})
    return AttendanceReport(
        enrollment_id=enrollment_id,
        status=enrollment.status.value,
        to_date=_rate(f"until {as_of}", rules.to_date_summary(cohort, records, as_of)),
        course=_rate(cohort.cohort_id, rules.course_summary(cohort, records)),
        months=[_rate(m, rules.month_summary(cohort, records, m)) for m in months],
    )


def _rate(period: str, summary: rules.PeriodSummary) -> PeriodRate:
    return PeriodRate(
        period=period,
        training_days=summary.training_days,
        excused=summary.excused,
        attended=summary.attended,
        unrecorded=summary.unrecorded,
        rate=round(float(summary.rate), 4),
        best_possible=round(float(summary.best_possible), 4),
        at_risk=summary.at_risk,
    )
