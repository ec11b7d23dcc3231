"""The indicators, as versioned pure definitions. Each states its numerator, denominator
and exclusions in words (served by the API) and in code (`compute`). A figure lists the
trainees behind it, so every number can be traced to people and events.

Common rules: trainees with an exclusion report (deceased, long medical treatment,
military service) leave both numerator and denominator; a trainee whose measurement
window has not closed on the date asked about is *pending*, in neither.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from outcomes.domain.calendar import add_months, quarter_after
from outcomes.domain.records import Cohort, Trainee

SMALL_CELL = 5  # public views suppress figures about fewer people


@dataclass(frozen=True)
class Context:
    as_of: date
    year: int  # for the yearly indicators (skill gains)


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    excluded: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()

    def public(self) -> Figure:
        """Small cells suppressed: the value and the counts are withheld."""
        if len(self.denominator) >= SMALL_CELL:
            return self
        return Figure(None, (), (), (), ())

    @property
    def suppressed(self) -> bool:
        return 0 < len(self.denominator) < SMALL_CELL


Scope = Callable[[Trainee, Cohort, Context], bool]
Window = Callable[[Trainee, Cohort, Context], date]
Counts = Callable[[Trainee, Cohort, Context], bool]


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    family: Literal["national", "exit"]
    unit: Literal["rate", "mean", "median_krw"]
    title: Mapping[str, str]  # en, ko
    numerator: str
    denominator: str
    scope: Scope
    window: Window
    counts: Counts
    measure: Callable[[Trainee, Cohort, Context], float | None] | None = None

    @property
    def key(self) -> str:
        return f"{self.id}.v{self.version}"

    def compute(
        self, trainees: Sequence[Trainee], cohorts: Mapping[str, Cohort], ctx: Context
    ) -> Figure:
        num: list[str] = []
        den: list[str] = []
        excluded: list[str] = []
        pending: list[str] = []
        values: list[float] = []
        for t in trainees:
            cohort = cohorts.get(t.cohort_id or "")
            if cohort is None or not self.scope(t, cohort, ctx):
                continue
            if t.excluded:
                excluded.append(t.trainee_id)
            elif self.window(t, cohort, ctx) > ctx.as_of:
                pending.append(t.trainee_id)
            elif self.measure is not None:
                value = self.measure(t, cohort, ctx)
                if value is not None:
                    num.append(t.trainee_id)
                    den.append(t.trainee_id)
                    values.append(value)
            else:
                den.append(t.trainee_id)
                if self.counts(t, cohort, ctx):
                    num.append(t.trainee_id)
        return Figure(self._value(num, den, values), *map(tuple, (num, den, excluded, pending)))

    def _value(self, num: list[str], den: list[str], values: list[float]) -> float | None:
        if not den:
            return None
        if self.unit == "mean":
            return round(statistics.fmean(values), 2)
        if self.unit == "median_krw":
            return float(statistics.median(values))
        return round(len(num) / len(den), 4)


# --------------------------------------------------------------- building blocks


def _enrolled(t: Trainee, c: Cohort, ctx: Context) -> bool:
    return t.enrolled_on is not None


def _completer(t: Trainee, c: Cohort, ctx: Context) -> bool:
    return t.completed


def _exiter(t: Trainee, c: Cohort, ctx: Context) -> bool:
    return t.exit_on is not None


def _exit(t: Trainee) -> date:
    assert t.exit_on is not None  # the scope admits exiters only
    return t.exit_on


def _cohort_end(t: Trainee, c: Cohort, ctx: Context) -> date:
    return c.ends_on


def _months_after_end(months: int) -> Window:
    return lambda t, c, ctx: add_months(c.ends_on, months)


def _quarter_after_exit(n: int) -> Window:
    return lambda t, c, ctx: quarter_after(_exit(t), n)[1]


def _insured_within(months: int) -> Counts:
    def counts(t: Trainee, c: Cohort, ctx: Context) -> bool:
        limit = add_months(c.ends_on, months)
        return t.early_employment or any(
            j.kind == "employed" and j.insured and j.starts_on <= limit for j in t.jobs
        )

    return counts


def _not_insured_within_6(t: Trainee, c: Cohort, ctx: Context) -> bool:
    limit = add_months(c.ends_on, 6)
    other = any(
        j.starts_on <= limit
        and (j.kind == "self_employed" or (j.kind == "employed" and not j.insured))
        for j in t.jobs
    )
    return other and not _insured_within(6)(t, c, ctx)


def _working_in_quarter(n: int) -> Counts:
    def counts(t: Trainee, c: Cohort, ctx: Context) -> bool:
        first, last = quarter_after(_exit(t), n)
        return any(j.is_work and j.overlaps(first, last) for j in t.jobs)

    return counts


def _q2_earnings(t: Trainee, c: Cohort, ctx: Context) -> float | None:
    first, last = quarter_after(_exit(t), 2)
    known = [
        j.monthly_earnings * 3
        for j in t.jobs
        if j.is_work and j.overlaps(first, last) and j.monthly_earnings is not None
    ]
    return float(max(known)) if known else None


def _credential_within_a_year(t: Trainee, c: Cohort, ctx: Context) -> bool:
    limit = _exit(t) + timedelta(days=365)
    return t.certified_on is not None and not t.revoked and t.certified_on <= limit


def _participant_in_year(t: Trainee, c: Cohort, ctx: Context) -> bool:
    first, last = date(ctx.year, 1, 1), date(ctx.year, 12, 31)
    started = t.enrolled_on is not None and t.enrolled_on <= last
    return started and (t.exit_on is None or t.exit_on >= first)


def _stage_passed_in_year(t: Trainee, c: Cohort, ctx: Context) -> bool:
    return any(day.year == ctx.year for day in t.stages.values())


def _employed_in_q2(t: Trainee, c: Cohort, ctx: Context) -> bool:
    return t.exit_on is not None and _working_in_quarter(2)(t, c, ctx)


def _same_employer_q2_q4(t: Trainee, c: Cohort, ctx: Context) -> bool:
    q2, q4 = quarter_after(_exit(t), 2), quarter_after(_exit(t), 4)
    return any(j.employer and j.is_work and j.overlaps(*q2) and j.overlaps(*q4) for j in t.jobs)


# --------------------------------------------------------------- the definitions

NATIONAL_EMPLOYED = (
    "completers in insured employment starting no later than {n} months after the cohort's "
    "end; early employment counts"
)
DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        id="completion_rate",
        version=1,
        family="national",
        unit="rate",
        title={"en": "Completion rate", "ko": "수료율"},
        numerator="trainees who completed (>= 80 % attendance, or early employment)",
        denominator="trainees enrolled in cohorts that have ended",
        scope=_enrolled,
        window=_cohort_end,
        counts=lambda t, c, ctx: t.completed,
    ),
    Definition(
        id="employment_rate_3m",
        version=1,
        family="national",
        unit="rate",
        title={"en": "Employment rate at 3 months", "ko": "3개월 취업률"},
        numerator=NATIONAL_EMPLOYED.format(n=3),
        denominator="completers of cohorts that ended at least 3 months ago",
        scope=_completer,
        window=_months_after_end(3),
        counts=_insured_within(3),
    ),
    Definition(
        id="employment_rate_6m",
        version=1,
        family="national",
        unit="rate",
        title={"en": "Employment rate at 6 months", "ko": "6개월 취업률"},
        numerator=NATIONAL_EMPLOYED.format(n=6),
        denominator="completers of cohorts that ended at least 6 months ago",
        scope=_completer,
        window=_months_after_end(6),
        counts=_insured_within(6),
    ),
    Definition(
        id="non_insured_rate_6m",
        version=1,
        family="national",
        unit="rate",
        title={"en": "Non-insured work at 6 months", "ko": "6개월 고용보험 미가입 취업률"},
        numerator="completers without insured employment but in non-insured work or a start-up "
        "within 6 months of the end",
        denominator="completers of cohorts that ended at least 6 months ago",
        scope=_completer,
        window=_months_after_end(6),
        counts=_not_insured_within_6,
    ),
    Definition(
        id="satisfaction_mean",
        version=1,
        family="national",
        unit="mean",
        title={"en": "Satisfaction (0-100)", "ko": "만족도 (0-100)"},
        numerator="the mean of survey scores",
        denominator="trainees of ended cohorts who answered the survey",
        scope=_enrolled,
        window=_cohort_end,
        counts=lambda t, c, ctx: True,
        measure=lambda t, c, ctx: None if t.survey_score is None else float(t.survey_score),
    ),
    Definition(
        id="employment_q2",
        version=1,
        family="exit",
        unit="rate",
        title={"en": "Employed in the 2nd quarter after exit", "ko": "종료 후 2분기 취업률"},
        numerator="exiters working (employed or self-employed) at any time in the 2nd calendar "
        "quarter after the exit quarter",
        denominator="exiters (completion or drop-out) whose 2nd quarter after exit has ended",
        scope=_exiter,
        window=_quarter_after_exit(2),
        counts=_working_in_quarter(2),
    ),
    Definition(
        id="employment_q4",
        version=1,
        family="exit",
        unit="rate",
        title={"en": "Employed in the 4th quarter after exit", "ko": "종료 후 4분기 취업률"},
        numerator="exiters working at any time in the 4th calendar quarter after the exit quarter",
        denominator="exiters whose 4th quarter after exit has ended",
        scope=_exiter,
        window=_quarter_after_exit(4),
        counts=_working_in_quarter(4),
    ),
    Definition(
        id="median_earnings_q2",
        version=1,
        family="exit",
        unit="median_krw",
        title={"en": "Median earnings, Q2 after exit (KRW)", "ko": "종료 후 2분기 중위 소득 (원)"},
        numerator="the median of quarterly earnings (3 x the reported monthly earnings of the "
        "best-paid work in that quarter)",
        denominator="exiters working in the 2nd quarter after exit whose earnings are known",
        scope=_exiter,
        window=_quarter_after_exit(2),
        counts=lambda t, c, ctx: True,
        measure=_q2_earnings,
    ),
    Definition(
        id="credential_rate",
        version=1,
        family="exit",
        unit="rate",
        title={"en": "Credential attainment within a year", "ko": "1년 내 자격 취득률"},
        numerator="exiters certified (4-stage credential, not revoked) within a year of exit",
        denominator="exiters whose year after exit has ended",
        scope=_exiter,
        window=lambda t, c, ctx: _exit(t) + timedelta(days=365),
        counts=_credential_within_a_year,
    ),
    Definition(
        id="skill_gains",
        version=1,
        family="exit",
        unit="rate",
        title={"en": "Measurable skill gains in the year", "ko": "연간 역량 향상률"},
        numerator="participants who passed at least one stage during the year",
        denominator="trainees in training at any time during the year (once the year has ended)",
        scope=_participant_in_year,
        window=lambda t, c, ctx: date(ctx.year, 12, 31),
        counts=_stage_passed_in_year,
    ),
    Definition(
        id="retention_q4",
        version=1,
        family="exit",
        unit="rate",
        title={"en": "Same employer, Q2 to Q4 after exit", "ko": "동일 직장 유지율 (2~4분기)"},
        numerator="of them, those working for the same employer in the 2nd and 4th quarter",
        denominator="exiters working in the 2nd quarter after exit, once the 4th has ended",
        scope=_employed_in_q2,
        window=_quarter_after_exit(4),
        counts=_same_employer_q2_q4,
    ),
)
BY_ID = {d.id: d for d in DEFINITIONS}
EXCLUSIONS = (
    "Trainees reported excluded (deceased, long medical treatment, military service, other) "
    "leave both numerator and denominator."
)
