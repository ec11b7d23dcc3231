"""The indicators, as versioned pure definitions. Each states in words (served by the API)
and in code (`compute`) its population, numerator, denominator, employment rule and how
exclusions apply. A figure lists the enrollments behind it, so every number can be traced
to people and events. Every version ever published stays here and stays computable:
asking for version 1 after version 2 exists gives version 1's answer.

The unit counted is the enrollment (trainee x cohort): a trainee who takes two courses
counts in each, judged against each course's own dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from traintrack.outcomes.domain import rules as r
from traintrack.outcomes.domain.figures import SMALL_CELL, Figure, Unit, value_of
from traintrack.outcomes.domain.records import Cohort, Enrollment
from traintrack.outcomes.domain.rules import Context, Counts, Measure, Scope, Window

__all__ = [
    "BY_ID", "BY_KEY", "DEFINITIONS", "LATEST", "SMALL_CELL", "Context", "Definition", "Figure",
]  # fmt: skip
Family = Literal["national", "exit", "counts"]

ALL_TRAINEES = "every enrollment (trainee x cohort), whatever the trainee's status"
JOB_SEEKERS = "enrollments of job seekers (the trainee's status when enrolling)"
LEAVE = "trainees reported excluded (deceased, long medical treatment, military service, other) "
EXCLUSIONS_LEAVE = LEAVE + "leave both numerator and denominator"
EXCLUSIONS_IGNORED = (
    "none: an excluded trainee still counts here (e.g. a graduate stays a graduate)"
)
ANY_JOB = "any reported work counts, whenever it started (version 1)"
NEW_JOB = (
    "a job or start-up counts only if it started on or after the cohort's first day, so an "
    "employed worker's job from before the course never counts; early employment counts"
)
BY_PROGRAMME = (
    NEW_JOB + "; insured employment counts, and start-ups and non-insured work count too "
    "where the programme says so (default: insured only, as the national portal)"
)


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    family: Family
    unit: Unit
    title: Mapping[str, str]  # en, ko
    population: str
    numerator: str
    denominator: str
    exclusions: str
    scope: Scope
    window: Window
    counts: Counts
    statuses: frozenset[str] | None = None  # trainee statuses admitted; None: all
    employment_rule: str | None = None
    measure: Measure | None = None
    excluded_leave: bool = True
    counted_id: Callable[[Enrollment], str] = lambda e: e.enrollment_id

    @property
    def key(self) -> str:
        return f"{self.id}.v{self.version}"

    def admits(self, e: Enrollment, c: Cohort, ctx: Context) -> bool:
        if self.statuses is not None and e.status not in self.statuses:
            return False
        return self.scope(e, c, ctx)

    def compute(self, members: Iterable[tuple[Enrollment, Cohort]], ctx: Context) -> Figure:
        num: list[str] = []
        den: list[str] = []
        excluded: list[str] = []
        pending: list[str] = []
        values: list[tuple[str, float]] = []
        for e, c in members:
            if not self.admits(e, c, ctx):
                continue
            if self.excluded_leave and e.excluded:
                excluded.append(e.enrollment_id)
            elif self.window(e, c, ctx) > ctx.as_of:
                pending.append(e.enrollment_id)
            elif self.measure is not None:
                value = self.measure(e, c, ctx)
                if value is not None:
                    num.append(e.enrollment_id)
                    den.append(e.enrollment_id)
                    values.append((c.cohort_id, value))
            else:
                den.append(e.enrollment_id)
                if self.counts(e, c, ctx):
                    num.append(self.counted_id(e))
        num = list(dict.fromkeys(num))  # a course counted once however many trainees
        return Figure(
            value_of(self.unit, num, den, values),
            tuple(num),
            tuple(den),
            tuple(excluded),
            tuple(pending),
            tuple(values),
        )


# --------------------------------------------------------------- the definitions

JOB_SEEKER = frozenset({"job_seeker"})
NATIONAL_EMPLOYED_V1 = (
    "completers in insured employment starting no later than {n} months after the cohort's "
    "end; early employment counts"
)
NATIONAL_EMPLOYED = (
    "job-seeker completers in employment (by the programme's rule) that started between the "
    "cohort's first day and {n} months after its end; early employment counts"
)
WINDOW_CLOSED = "{who} of cohorts that ended at least {n} months ago"


def _national_v1() -> list[Definition]:
    """As first published: per trainee-course, every status, any job, exclusions leave."""
    common: dict[str, Any] = {
        "family": "national",
        "population": ALL_TRAINEES,
        "exclusions": EXCLUSIONS_LEAVE,
    }
    return [
        Definition(
            id="completion_rate",
            version=1,
            unit="rate",
            title={"en": "Completion rate", "ko": "수료율"},
            numerator="trainees who completed (>= 80 % attendance, or early employment)",
            denominator="trainees enrolled in cohorts that have ended",
            scope=r.enrolled,
            window=r.cohort_end,
            counts=lambda e, c, ctx: e.completed,
            **common,
        ),
        *(
            Definition(
                id=f"employment_rate_{n}m",
                version=1,
                unit="rate",
                title={"en": f"Employment rate at {n} months", "ko": f"{n}개월 취업률"},
                numerator=NATIONAL_EMPLOYED_V1.format(n=n),
                denominator=WINDOW_CLOSED.format(who="completers", n=n),
                employment_rule=ANY_JOB,
                scope=r.completer,
                window=r.months_after_end(n),
                counts=r.insured_within_v1(n),
                **common,
            )
            for n in (3, 6)
        ),
        Definition(
            id="non_insured_rate_6m",
            version=1,
            unit="rate",
            title={"en": "Non-insured work at 6 months", "ko": "6개월 고용보험 미가입 취업률"},
            numerator="completers without insured employment but in non-insured work or a "
            "start-up within 6 months of the end",
            denominator=WINDOW_CLOSED.format(who="completers", n=6),
            employment_rule=ANY_JOB,
            scope=r.completer,
            window=r.months_after_end(6),
            counts=r.not_insured_within_6_v1,
            **common,
        ),
        Definition(
            id="satisfaction_mean",
            version=1,
            unit="mean",
            title={
                "en": "Satisfaction (0-100), mean over respondents",
                "ko": "만족도 (응답자 평균)",
            },
            numerator="the mean of survey scores",
            denominator="trainees of ended cohorts who answered the survey",
            scope=r.enrolled,
            window=r.cohort_end,
            counts=r.everyone,
            measure=r.survey,
            **common,
        ),
    ]


def _national_v2() -> list[Definition]:
    """Who and when: job seekers for employment, jobs new since the course began, the
    programme's rule on start-ups and non-insured work, exclusions out of employment only."""
    seekers: dict[str, Any] = {
        "family": "national",
        "population": JOB_SEEKERS,
        "statuses": JOB_SEEKER,
        "exclusions": EXCLUSIONS_LEAVE,
        "scope": r.completer,
    }
    return [
        Definition(
            id="completion_rate",
            version=2,
            family="national",
            unit="rate",
            title={"en": "Completion rate", "ko": "수료율"},
            population=ALL_TRAINEES,
            numerator="enrollments completed (>= 80 % attendance, or early employment)",
            denominator="enrollments of ended cohorts that completed, did not complete "
            "(below 80 % at the end) or dropped out; those still open are pending",
            exclusions=EXCLUSIONS_IGNORED,
            excluded_leave=False,
            scope=r.enrolled,
            window=r.ended_and_closed,
            counts=lambda e, c, ctx: e.completed,
        ),
        *(
            Definition(
                id=f"employment_rate_{n}m",
                version=2,
                unit="rate",
                title={"en": f"Employment rate at {n} months", "ko": f"{n}개월 취업률"},
                numerator=NATIONAL_EMPLOYED.format(n=n),
                denominator=WINDOW_CLOSED.format(who="job-seeker completers", n=n),
                employment_rule=BY_PROGRAMME,
                window=r.months_after_end(n),
                counts=r.employed_within(n),
                **seekers,
            )
            for n in (3, 6)
        ),
        *(
            Definition(
                id=f"non_insured_rate_{n}m",
                version=2 if n == 6 else 1,
                unit="rate",
                title={
                    "en": f"Non-insured work or start-up at {n} months",
                    "ko": f"{n}개월 고용보험 미가입 취업·창업률",
                },
                numerator="job-seeker completers without insured employment but in non-insured "
                f"work or a start-up that started between the cohort's first day and {n} months "
                "after its end",
                denominator=WINDOW_CLOSED.format(who="job-seeker completers", n=n),
                employment_rule=NEW_JOB,
                window=r.months_after_end(n),
                counts=r.other_work_within(n),
                **seekers,
            )
            for n in (3, 6)
        ),
        Definition(
            id="employed_or_start_up_6m",
            version=1,
            unit="rate",
            title={
                "en": "Job seekers into employment or start-ups (6 months)",
                "ko": "구직자 취·창업 (6개월)",
            },
            numerator="job-seeker completers in any work (insured or not) or a start-up that "
            "started between the cohort's first day and 6 months after its end; the count is "
            "the numerator",
            denominator=WINDOW_CLOSED.format(who="job-seeker completers", n=6),
            employment_rule=NEW_JOB,
            window=r.months_after_end(6),
            counts=r.any_work_within(6),
            **seekers,
        ),
        Definition(
            id="satisfaction_mean",
            version=2,
            family="national",
            unit="mean",
            title={
                "en": "Satisfaction (0-100), mean over respondents",
                "ko": "만족도 (응답자 평균)",
            },
            population=ALL_TRAINEES,
            numerator="the mean of every respondent's survey score",
            denominator="enrollments of ended cohorts that answered the survey",
            exclusions=EXCLUSIONS_IGNORED,
            excluded_leave=False,
            scope=r.enrolled,
            window=r.cohort_end,
            counts=r.everyone,
            measure=r.survey,
        ),
        Definition(
            id="satisfaction_course_mean",
            version=1,
            family="national",
            unit="course_mean",
            title={"en": "Satisfaction (0-100), mean of course means", "ko": "만족도 (과정 평균)"},
            population=ALL_TRAINEES,
            numerator="the mean over courses (cohorts) of each course's mean survey score",
            denominator="enrollments of ended cohorts that answered the survey",
            exclusions=EXCLUSIONS_IGNORED,
            excluded_leave=False,
            scope=r.enrolled,
            window=r.cohort_end,
            counts=r.everyone,
            measure=r.survey,
        ),
    ]


def _exit_based() -> list[Definition]:
    common: dict[str, Any] = {
        "family": "exit",
        "population": ALL_TRAINEES,
        "exclusions": EXCLUSIONS_LEAVE,
    }
    exiters = "exiters (completion, drop-out or not completed at the end)"
    return [
        *(
            Definition(
                id=f"employment_q{n}",
                version=version,
                unit="rate",
                title={
                    "en": f"Employed in the {n}{'nd' if n == 2 else 'th'} quarter after exit",
                    "ko": f"종료 후 {n}분기 취업률",
                },
                numerator=f"exiters working (employed or self-employed) at any time in the {n}"
                f"{'nd' if n == 2 else 'th'} calendar quarter after the exit quarter",
                denominator=f"{exiters} whose {n}{'nd' if n == 2 else 'th'} quarter after exit "
                "has ended",
                employment_rule=ANY_JOB if version == 1 else NEW_JOB,
                scope=r.exiter,
                window=r.quarter_after_exit(n),
                counts=r.working_in_quarter(n, new_only=version == 2),
                **common,
            )
            for n in (2, 4)
            for version in (1, 2)
        ),
        Definition(
            id="median_earnings_q2",
            version=1,
            unit="median_krw",
            title={
                "en": "Median earnings, Q2 after exit (KRW)",
                "ko": "종료 후 2분기 중위 소득 (원)",
            },
            numerator="the median of quarterly earnings (3 x the reported monthly earnings of "
            "the best-paid work in that quarter)",
            denominator="exiters working in the 2nd quarter after exit whose earnings are known",
            employment_rule=ANY_JOB,
            scope=r.exiter,
            window=r.quarter_after_exit(2),
            counts=r.everyone,
            measure=r.q2_earnings,
            **common,
        ),
        Definition(
            id="credential_rate",
            version=1,
            unit="rate",
            title={"en": "Credential attainment within a year", "ko": "1년 내 자격 취득률"},
            numerator="exiters whose course's 4-stage credential (not revoked) was issued "
            "within a year of exit",
            denominator=f"{exiters} whose year after exit has ended",
            scope=r.exiter,
            window=lambda e, c, ctx: r.exit_of(e) + timedelta(days=365),
            counts=r.credential_within_a_year,
            **common,
        ),
        Definition(
            id="skill_gains",
            version=1,
            unit="rate",
            title={"en": "Measurable skill gains in the year", "ko": "연간 역량 향상률"},
            numerator="participants who passed at least one stage of the course during the year",
            denominator="enrollments in training at any time during the year (once it has ended)",
            scope=r.participant_in_year,
            window=lambda e, c, ctx: date(ctx.year, 12, 31),
            counts=r.stage_passed_in_year,
            **common,
        ),
        Definition(
            id="retention_q4",
            version=1,
            unit="rate",
            title={"en": "Same employer, Q2 to Q4 after exit", "ko": "동일 직장 유지율 (2~4분기)"},
            numerator="of them, those working for the same employer in the 2nd and 4th quarter",
            denominator="exiters working in the 2nd quarter after exit, once the 4th has ended",
            employment_rule=ANY_JOB,
            scope=r.employed_in_q2,
            window=r.quarter_after_exit(4),
            counts=r.same_employer_q2_q4,
            **common,
        ),
    ]


def _counts() -> list[Definition]:
    """Head counts as figures; their denominator is every enrollment of the group."""

    def count(id_: str, en: str, ko: str, numerator: str, counts: Counts) -> Definition:
        return Definition(
            id=id_,
            version=1,
            family="counts",
            unit="count",
            title={"en": en, "ko": ko},
            population=ALL_TRAINEES,
            numerator=numerator,
            denominator="every enrollment of the group (its size)",
            exclusions=EXCLUSIONS_IGNORED,
            excluded_leave=False,
            scope=r.everyone,
            window=r.now,
            counts=counts,
            counted_id=(lambda e: e.cohort_id) if id_ == "courses" else (lambda e: e.enrollment_id),
        )

    return [
        count("courses", "Courses", "과정 수", "courses (cohorts) with at least one enrollment",
              r.everyone),
        count("enrolled", "Enrolled", "등록", "enrollments", r.everyone),
        count("completers", "Completers", "수료", "enrollments completed (early employment "
              "included)", r.outcome_is("completed")),
        count("not_completed", "Not completed", "미수료", "enrollments whose cohort ended below "
              "80 % attendance without completing or dropping out", r.outcome_is("not_completed")),
        count("dropped", "Dropped out", "중도탈락", "enrollments that dropped out",
              r.outcome_is("dropped")),
        count("in_training", "In training", "훈련 중", "enrollments with no ending yet",
              r.outcome_is("in_training")),
    ]  # fmt: skip


DEFINITIONS: tuple[Definition, ...] = (*_national_v1(), *_national_v2(), *_exit_based(), *_counts())
BY_KEY = {d.key: d for d in DEFINITIONS}
# The version a figure uses unless another is asked for: the latest of each indicator.
LATEST: tuple[Definition, ...] = tuple(
    max((d for d in DEFINITIONS if d.id == id_), key=lambda d: d.version)
    for id_ in dict.fromkeys(d.id for d in DEFINITIONS)
)
BY_ID = {d.id: d for d in LATEST}
EXCLUSIONS = EXCLUSIONS_LEAVE  # the common rule; each definition states its own
