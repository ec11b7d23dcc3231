"""The building blocks of the indicator definitions: who is in scope, when a figure is
final (its window), and what counts, for one enrollment and its cohort."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from traintrack.outcomes.domain.calendar import add_months, quarter_after
from traintrack.outcomes.domain.records import Cohort, Enrollment, Job


@dataclass(frozen=True)
class Context:
    as_of: date
    year: int  # for the yearly indicators (skill gains)


Scope = Callable[[Enrollment, Cohort, Context], bool]
Window = Callable[[Enrollment, Cohort, Context], date]
Counts = Callable[[Enrollment, Cohort, Context], bool]
Measure = Callable[[Enrollment, Cohort, Context], float | None]
NEVER = date.max  # the window of an enrollment whose figure is not final yet


def everyone(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    return True


def enrolled(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    return e.enrolled_on is not None


def completer(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    return e.completed


def exiter(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    return e.exit_on is not None


def exit_of(e: Enrollment) -> date:
    assert e.exit_on is not None  # the scope admits exiters only
    return e.exit_on


def cohort_end(e: Enrollment, c: Cohort, ctx: Context) -> date:
    return c.ends_on


def ended_and_closed(e: Enrollment, c: Cohort, ctx: Context) -> date:
    """Final once the cohort has ended and the enrollment has its ending (completion,
    drop-out or not completed at the end): until then the trainee is in training."""
    return NEVER if e.outcome == "in_training" else c.ends_on


def now(e: Enrollment, c: Cohort, ctx: Context) -> date:
    return date.min


def months_after_end(months: int) -> Window:
    return lambda e, c, ctx: add_months(c.ends_on, months)


def quarter_after_exit(n: int) -> Window:
    return lambda e, c, ctx: quarter_after(exit_of(e), n)[1]


def is_new(job: Job, c: Cohort) -> bool:
    return job.starts_on >= c.starts_on


def insured(job: Job) -> bool:
    return job.kind == "employed" and bool(job.insured)


def other_work(job: Job) -> bool:
    """A start-up, or employment outside employment insurance."""
    return job.kind == "self_employed" or (job.kind == "employed" and not job.insured)


def counts_with_employment(job: Job, c: Cohort) -> bool:
    if insured(job):
        return True
    if job.kind == "self_employed":
        return "start_up" in c.employment_includes
    return job.kind == "employed" and "non_insured" in c.employment_includes


# version 1: any insured job started by the limit counts, whenever it started
def insured_within_v1(months: int) -> Counts:
    def counts(e: Enrollment, c: Cohort, ctx: Context) -> bool:
        limit = add_months(c.ends_on, months)
        return e.early_employment or any(insured(j) and j.starts_on <= limit for j in e.jobs)

    return counts


def not_insured_within_6_v1(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    limit = add_months(c.ends_on, 6)
    other = any(j.starts_on <= limit and other_work(j) for j in e.jobs)
    return other and not insured_within_v1(6)(e, c, ctx)


# version 2: only work new since the course began, by the programme's rule
def new_jobs_within(e: Enrollment, c: Cohort, months: int) -> list[Job]:
    limit = add_months(c.ends_on, months)
    return [j for j in e.jobs if is_new(j, c) and j.starts_on <= limit]


def employed_within(months: int) -> Counts:
    def counts(e: Enrollment, c: Cohort, ctx: Context) -> bool:
        jobs = new_jobs_within(e, c, months)
        return e.early_employment or any(counts_with_employment(j, c) for j in jobs)

    return counts


def other_work_within(months: int) -> Counts:
    def counts(e: Enrollment, c: Cohort, ctx: Context) -> bool:
        jobs = new_jobs_within(e, c, months)
        in_insured_work = e.early_employment or any(insured(j) for j in jobs)
        return not in_insured_work and any(other_work(j) for j in jobs)

    return counts


def any_work_within(months: int) -> Counts:
    def counts(e: Enrollment, c: Cohort, ctx: Context) -> bool:
        jobs = new_jobs_within(e, c, months)
        return e.early_employment or any(j.is_work for j in jobs)

    return counts


def working_in_quarter(n: int, *, new_only: bool = False) -> Counts:
    def counts(e: Enrollment, c: Cohort, ctx: Context) -> bool:
        first, last = quarter_after(exit_of(e), n)
        return any(
            j.is_work and j.overlaps(first, last) and (not new_only or is_new(j, c)) for j in e.jobs
        )

    return counts


def q2_earnings(e: Enrollment, c: Cohort, ctx: Context) -> float | None:
    first, last = quarter_after(exit_of(e), 2)
    known = [
        j.monthly_earnings * 3
        for j in e.jobs
        if j.is_work and j.overlaps(first, last) and j.monthly_earnings is not None
    ]
    return float(max(known)) if known else None


def credential_within_a_year(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    limit = exit_of(e) + timedelta(days=365)
    return e.certified_on is not None and not e.revoked and e.certified_on <= limit


def participant_in_year(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    first, last = date(ctx.year, 1, 1), date(ctx.year, 12, 31)
    started = e.enrolled_on is not None and e.enrolled_on <= last
    return started and (e.exit_on is None or e.exit_on >= first)


def stage_passed_in_year(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    return any(day.year == ctx.year for day in e.stages.values())


def employed_in_q2(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    return e.exit_on is not None and working_in_quarter(2)(e, c, ctx)


def same_employer_q2_q4(e: Enrollment, c: Cohort, ctx: Context) -> bool:
    q2, q4 = quarter_after(exit_of(e), 2), quarter_after(exit_of(e), 4)
    return any(j.employer and j.is_work and j.overlaps(*q2) and j.overlaps(*q4) for j in e.jobs)


def survey(e: Enrollment, c: Cohort, ctx: Context) -> float | None:
    return None if e.survey_score is None else float(e.survey_score)


def outcome_is(outcome: str) -> Counts:
    return lambda e, c, ctx: e.outcome == outcome
