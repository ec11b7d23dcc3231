"""What the platform knew of each trainee on a given date, from the facts (events) the
outcomes service keeps. Event time (when something happened: a start date, a completion)
and processing time (`known_at`: when the platform learnt it) are kept apart, so a late
report changes a figure after it arrived and never before."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Fact:
    event_id: str
    kind: str  # the event type's short name, e.g. "trainee-enrolled"
    subject: str  # the trainee id, or the cohort id for cohort facts
    known_at: datetime
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Cohort:
    cohort_id: str
    programme_id: str
    programme_name: str
    institute_id: str
    region_code: str
    track: str
    field: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Job:
    """Work, a start-up or study, from a report, a hire or early employment."""

    kind: str  # employed | self_employed | further_study
    starts_on: date
    ends_on: date | None = None
    employer: str | None = None
    insured: bool | None = None
    monthly_earnings: int | None = None

    def overlaps(self, first: date, last: date) -> bool:
        return self.starts_on <= last and (self.ends_on is None or self.ends_on >= first)

    @property
    def is_work(self) -> bool:
        return self.kind in ("employed", "self_employed")


@dataclass(frozen=True)
class Report:
    kind: str  # employed | self_employed | further_study | not_employed | excluded
    job: Job | None = None
    exclusion_reason: str | None = None


@dataclass
class Trainee:
    trainee_id: str
    institute_id: str | None = None
    region_code: str | None = None
    cohort_id: str | None = None
    enrolled_on: date | None = None
    completed_on: date | None = None
    early_employment: bool = False
    dropped_on: date | None = None
    drop_reason: str | None = None
    survey_score: int | None = None
    stages: dict[int, date] = field(default_factory=dict)
    certified_on: date | None = None
    revoked: bool = False
    internship_on: date | None = None
    hires: list[Job] = field(default_factory=list)
    reports: dict[str, Report] = field(default_factory=dict)  # the current ones, by id
    erased: bool = False
    sources: list[str] = field(default_factory=list)

    @property
    def excluded(self) -> str | None:
        """Why the trainee leaves numerator and denominator (deceased, medical ...)."""
        reasons = [r.exclusion_reason for r in self.reports.values() if r.kind == "excluded"]
        return (reasons[-1] or "other") if reasons else None

    @property
    def exit_on(self) -> date | None:
        return self.completed_on or self.dropped_on

    @property
    def completed(self) -> bool:
        """Completers include early employment (DOMAIN.md: counted as a completer who is
        employed), whether recorded as a completion or a drop-out for employment."""
        return self.completed_on is not None or self.drop_reason == "employment_before_completion"

    @property
    def jobs(self) -> list[Job]:
        reported = [r.job for r in self.reports.values() if r.job is not None]
        return [*self.hires, *reported]

    def stage_reached(self) -> int:
        stage = 0
        while stage + 1 in self.stages:
            stage += 1
        return stage


@dataclass
class Population:
    cohorts: dict[str, Cohort]
    trainees: dict[str, Trainee]


def _day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def known_on(facts: Iterable[Fact], as_of: datetime) -> Population:
    """Replay the facts known at `as_of`, in the order they became known."""
    population = Population({}, {})
    for fact in sorted(facts, key=lambda f: (f.known_at, f.event_id)):
        if fact.known_at > as_of:
            continue
        if fact.kind == "cohort-opened":
            population.cohorts[fact.subject] = _cohort(fact.data)
            continue
        trainee = population.trainees.setdefault(fact.subject, Trainee(fact.subject))
        apply = APPLY.get(fact.kind)
        if apply is not None:
            apply(trainee, fact.data)
            trainee.sources.append(fact.event_id)
    return population


def _date(value: Any) -> date:
    day = _day(value)
    assert day is not None  # required by the contract
    return day


def _cohort(d: Mapping[str, Any]) -> Cohort:
    return Cohort(
        d["cohort_id"],
        d["programme_id"],
        d["programme_name"],
        d["institute_id"],
        d["region_code"],
        d["track"],
        d["field"],
        _date(d["starts_on"]),
        _date(d["ends_on"]),
    )


def _registered(t: Trainee, d: Mapping[str, Any]) -> None:
    t.institute_id, t.region_code = d["institute_id"], d["region_code"]


def _enrolled(t: Trainee, d: Mapping[str, Any]) -> None:
    t.cohort_id, t.enrolled_on, t.institute_id = (
        d["cohort_id"],
        _day(d["enrolled_on"]),
        d["institute_id"],
    )


def _completed(t: Trainee, d: Mapping[str, Any]) -> None:
    t.completed_on, t.early_employment = _date(d["completed_on"]), d["early_employment"]
    hired_on = _day(d.get("hired_on"))
    if d["early_employment"] and hired_on:
        t.hires.append(Job("employed", hired_on))


def _dropped(t: Trainee, d: Mapping[str, Any]) -> None:
    t.dropped_on, t.drop_reason = _date(d["dropped_on"]), d["reason"]


def _survey(t: Trainee, d: Mapping[str, Any]) -> None:
    t.survey_score = d["score"]


def _stage_passed(t: Trainee, d: Mapping[str, Any]) -> None:
    t.stages[d["stage"]] = _date(d["decided_at"])


def _stage_withdrawn(t: Trainee, d: Mapping[str, Any]) -> None:
    t.stages.pop(d["stage"], None)


def _certified(t: Trainee, d: Mapping[str, Any]) -> None:
    t.certified_on, t.revoked = _date(d["issued_at"]), False


def _revoked(t: Trainee, d: Mapping[str, Any]) -> None:
    t.revoked = True


def _internship(t: Trainee, d: Mapping[str, Any]) -> None:
    t.internship_on = t.internship_on or _day(d["started_on"])


def _hired(t: Trainee, d: Mapping[str, Any]) -> None:
    t.hires.append(
        Job("employed", _date(d["starts_on"]), employer=d["firm_id"], insured=d["insured"])
    )


def _reported(t: Trainee, d: Mapping[str, Any]) -> None:
    if d.get("corrects"):
        t.reports.pop(d["corrects"], None)
    kind = d["kind"]
    job = None
    if kind in ("employed", "self_employed", "further_study"):
        job = Job(
            kind,
            _date(d["starts_on"]),
            _day(d.get("ends_on")),
            d.get("employer"),
            d.get("insured"),
            d.get("monthly_earnings"),
        )
    t.reports[d["report_id"]] = Report(kind, job, d.get("exclusion_reason"))


def _erased(t: Trainee, d: Mapping[str, Any]) -> None:
    """Erasure keeps the trainee in the counts (the id was always pseudonymous); lineage
    shows them as erased."""
    t.erased = True


APPLY = {
    "trainee-registered": _registered,
    "trainee-enrolled": _enrolled,
    "enrollment-completed": _completed,
    "enrollment-dropped": _dropped,
    "survey-submitted": _survey,
    "stage-passed": _stage_passed,
    "stage-pass-withdrawn": _stage_withdrawn,
    "certified": _certified,
    "certification-revoked": _revoked,
    "internship-started": _internship,
    "hired": _hired,
    "outcome-reported": _reported,
    "trainee-erased": _erased,
}
