"""What the platform knew on a given date, from the facts (events) the outcomes service
keeps. Event time (when something happened: a start date, a completion) and processing
time (`known_at`: when the platform learnt it) are kept apart, so a late report changes a
figure after it arrived and never before.

The unit of every figure is the enrollment (trainee x cohort): a trainee who takes two
courses counts in each. What belongs to the person rather than a course (registration,
jobs, outcome reports, exclusions, erasure) is kept once on the `Person` and judged
against each enrollment's own dates.
"""

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
    imported: tuple[str, str] | None = None  # (import id, operator) for migrated history


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
    # What the programme counts with employment besides insured work: start_up, non_insured.
    employment_includes: frozenset[str] = frozenset()


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
class Person:
    """The trainee, whatever course: what is reported about their life after training."""

    trainee_id: str
    institute_id: str | None = None
    region_code: str | None = None
    status: str | None = None  # at registration: job_seeker | employed_worker | resident
    hires: list[Job] = field(default_factory=list)
    internships: list[date] = field(default_factory=list)
    reports: dict[str, Report] = field(default_factory=dict)  # the current ones, by id
    erased: bool = False
    sources: list[str] = field(default_factory=list)
    latest_enrollment: str | None = None  # for facts that name no enrollment (v1 events)

    @property
    def excluded(self) -> str | None:
        """Why the trainee leaves employment figures (deceased, medical, military ...)."""
        reasons = [r.exclusion_reason for r in self.reports.values() if r.kind == "excluded"]
        return (reasons[-1] or "other") if reasons else None

    @property
    def jobs(self) -> list[Job]:
        reported = [r.job for r in self.reports.values() if r.job is not None]
        return [*self.hires, *reported]


@dataclass
class Enrollment:
    """One trainee in one cohort: the unit every figure counts."""

    enrollment_id: str
    person: Person
    cohort_id: str
    enrolled_on: date | None = None
    status_when_enrolled: str | None = None  # absent in events before it was sent
    completed_on: date | None = None
    early_employment: bool = False
    hired_on: date | None = None
    dropped_on: date | None = None
    drop_reason: str | None = None
    not_completed_on: date | None = None  # the cohort's end, for a course ended below 80 %
    survey_score: int | None = None
    stages: dict[int, date] = field(default_factory=dict)
    certified_on: date | None = None
    revoked: bool = False
    sources: list[str] = field(default_factory=list)

    @property
    def trainee_id(self) -> str:
        return self.person.trainee_id

    @property
    def status(self) -> str | None:
        """The trainee's status when enrolling, else as registered."""
        return self.status_when_enrolled or self.person.status

    @property
    def excluded(self) -> str | None:
        return self.person.excluded

    @property
    def exit_on(self) -> date | None:
        return self.completed_on or self.dropped_on or self.not_completed_on

    @property
    def completed(self) -> bool:
        """Completers include early employment (DOMAIN.md: counted as a completer who is
        employed), whether recorded as a completion or a drop-out for employment."""
        return self.completed_on is not None or self.drop_reason == "employment_before_completion"

    @property
    def outcome(self) -> str:
        """in_training | completed | not_completed | dropped."""
        if self.completed:
            return "completed"
        if self.dropped_on is not None:
            return "dropped"
        if self.not_completed_on is not None:
            return "not_completed"
        return "in_training"

    @property
    def jobs(self) -> list[Job]:
        early = [Job("employed", self.hired_on)] if self.hired_on else []
        return [*early, *self.person.jobs]

    @property
    def events(self) -> list[str]:
        return [*self.sources, *self.person.sources]

    def stage_reached(self) -> int:
        stage = 0
        while stage + 1 in self.stages:
            stage += 1
        return stage


@dataclass
class Population:
    cohorts: dict[str, Cohort] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    enrollments: dict[str, Enrollment] = field(default_factory=dict)
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # by event id

    def counted(self) -> list[tuple[Enrollment, Cohort]]:
        """Enrollments known as such whose cohort is known too (facts about an enrollment,
        or the enrollment, may arrive before the cohort or the enrollment itself)."""
        return [
            (e, self.cohorts[e.cohort_id])
            for e in self.enrollments.values()
            if e.enrolled_on is not None and e.cohort_id in self.cohorts
        ]


def known_on(facts: Iterable[Fact], as_of: datetime) -> Population:
    """Replay the facts known at `as_of`, in the order they became known."""
    population = Population()
    for fact in sorted(facts, key=lambda f: (f.known_at, f.event_id)):
        if fact.known_at > as_of:
            continue
        if fact.imported is not None:
            population.imported[fact.event_id] = fact.imported
        if fact.kind == "cohort-opened":
            population.cohorts[fact.subject] = _cohort(fact.data)
            continue
        person = population.people.setdefault(fact.subject, Person(fact.subject))
        if fact.kind == "trainee-enrolled":
            _enrolled(population, person, fact.data)
        if fact.kind in ON_PERSON:
            ON_PERSON[fact.kind](person, fact.data)
            person.sources.append(fact.event_id)
        elif fact.kind in ON_ENROLLMENT:
            enrollment = _enrollment_of(population, person, fact.data)
            if enrollment is not None:
                ON_ENROLLMENT[fact.kind](enrollment, fact.data)
                enrollment.sources.append(fact.event_id)
    return population


def _enrollment_of(
    population: Population, person: Person, d: Mapping[str, Any]
) -> Enrollment | None:
    """The enrollment a fact names (kept for it if the enrollment comes later); version 1
    evaluation events name none and meant the trainee's latest enrollment."""
    if d.get("enrollment_id") and d.get("cohort_id"):
        return population.enrollments.setdefault(
            d["enrollment_id"], Enrollment(d["enrollment_id"], person, d["cohort_id"])
        )
    enrollment_id = d.get("enrollment_id") or person.latest_enrollment
    return population.enrollments.get(enrollment_id) if enrollment_id else None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


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
        frozenset(d.get("employment_includes") or ()),
    )


def _enrolled(population: Population, person: Person, d: Mapping[str, Any]) -> None:
    enrollment_id = d["enrollment_id"]
    enrollment = population.enrollments.setdefault(
        enrollment_id, Enrollment(enrollment_id, person, d["cohort_id"])
    )
    enrollment.enrolled_on = _day(d["enrolled_on"])
    enrollment.status_when_enrolled = d.get("trainee_status")
    person.institute_id = person.institute_id or d["institute_id"]
    person.latest_enrollment = enrollment_id


# ---------------------------------------------------------------- facts about the person


def _registered(p: Person, d: Mapping[str, Any]) -> None:
    p.institute_id, p.region_code, p.status = d["institute_id"], d["region_code"], d["status"]


def _internship(p: Person, d: Mapping[str, Any]) -> None:
    p.internships.append(_date(d["started_on"]))


def _hired(p: Person, d: Mapping[str, Any]) -> None:
    p.hires.append(
        Job("employed", _date(d["starts_on"]), employer=d["firm_id"], insured=d["insured"])
    )


def _reported(p: Person, d: Mapping[str, Any]) -> None:
    if d.get("corrects"):
        p.reports.pop(d["corrects"], None)
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
    p.reports[d["report_id"]] = Report(kind, job, d.get("exclusion_reason"))


def _erased(p: Person, d: Mapping[str, Any]) -> None:
    """Erasure keeps the trainee in the counts (the id was always pseudonymous); lineage
    shows them as erased."""
    p.erased = True


# ---------------------------------------------------------------- facts about a course


def _recorded_enrollment(e: Enrollment, d: Mapping[str, Any]) -> None:
    """The enrollment itself: already applied by `_enrolled`, kept as a source."""


def _completed(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.completed_on, e.early_employment = _date(d["completed_on"]), d["early_employment"]
    if d["early_employment"]:
        e.hired_on = _day(d.get("hired_on"))


def _dropped(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.dropped_on, e.drop_reason = _date(d["dropped_on"]), d["reason"]


def _not_completed(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.not_completed_on = _date(d["ended_on"])


def _survey(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.survey_score = d["score"]


def _stage_passed(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.stages[d["stage"]] = _date(d["decided_at"])


def _stage_withdrawn(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.stages.pop(d["stage"], None)


def _certified(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.certified_on, e.revoked = _date(d["issued_at"]), False


def _revoked(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.revoked = True


def _reinstated(e: Enrollment, d: Mapping[str, Any]) -> None:
    e.revoked = False


ON_PERSON = {
    "trainee-registered": _registered,
    "internship-started": _internship,
    "hired": _hired,
    "outcome-reported": _reported,
    "trainee-erased": _erased,
}
ON_ENROLLMENT = {
    "trainee-enrolled": _recorded_enrollment,
    "enrollment-completed": _completed,
    "enrollment-dropped": _dropped,
    "enrollment-not-completed": _not_completed,
    "survey-submitted": _survey,
    "stage-passed": _stage_passed,
    "stage-pass-withdrawn": _stage_withdrawn,
    "certified": _certified,
    "certification-revoked": _revoked,
    "certification-reinstated": _reinstated,
}
KINDS = frozenset({"cohort-opened", *ON_PERSON, *ON_ENROLLMENT})
