"""Recording training days in batches: which rows an actor may record, and which at-risk
alerts the recorded days raise (each level announced once per period)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from traintrack.contracts.vocabulary import RiskLevel
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.enrollments import Enrollment, EnrollmentStatus
from traintrack.platform.errors import Conflict, NotFound

Alert = tuple[str, str, str, str]  # enrollment, scope, period, level: announced once


@dataclass(frozen=True)
class NewRisk:
    enrollment: Enrollment
    risk: rules.Risk
    detected_on: date  # the latest day of the batch for the enrollment

    @property
    def alert(self) -> Alert:
        return (
            self.enrollment.enrollment_id,
            self.risk.scope,
            self.risk.period,
            self.risk.level.value,
        )


def check(
    day: rules.AttendanceDay,
    *,
    actor: Actor,
    trainee_id: str,
    enrollment_id: str,
    enrollment: Enrollment | None,
    cohorts: Mapping[str, Cohort],
) -> None:
    """A day the actor may record: of its own trainee's enrollment, still in training, on
    one of the cohort's training days. Another institute's enrollment is not found."""
    if (
        enrollment is None
        or not actor.may_touch(enrollment.institute_id)
        or (enrollment.trainee_id != trainee_id)
    ):
        raise NotFound(f"enrollment {enrollment_id} of trainee {trainee_id}")
    if enrollment.status is not EnrollmentStatus.ENROLLED:
        raise Conflict(
            f"the enrollment is {enrollment.status}; attendance is recorded while enrolled",
            field="enrollment_id",
        )
    rules.check_day(cohorts[enrollment.cohort_id], day)


# Per enrollment the batch touched: the latest day it recorded and the risks its days raise.
Raised = dict[str, tuple[date, list[rules.Risk]]]


def raised_risks(
    accepted: list[tuple[str, rules.AttendanceDay]],
    enrollments: Mapping[str, Enrollment],
    cohorts: Mapping[str, Cohort],
    records: Mapping[str, rules.Records],
    warn_below: Fraction,
) -> Raised:
    """The risks the `accepted` days raise, announced before or not, by enrollment (those
    that raise none left out), each scope and period once, in order."""
    latest: dict[str, date] = {}
    touched: dict[str, set[date]] = {}
    for enrollment_id, day in accepted:
        latest[enrollment_id] = max(day.day, latest.get(enrollment_id, day.day))
        touched.setdefault(enrollment_id, set()).add(day.day)
    found: Raised = {}
    for enrollment_id, days in touched.items():
        enrollment = enrollments[enrollment_id]
        cohort, kept = cohorts[enrollment.cohort_id], records[enrollment_id]
        risks = {
            (r.scope, r.period): r
            for d in days
            for r in rules.risks_after(cohort, kept, d, warn_below)
        }
        if risks:
            found[enrollment_id] = (latest[enrollment_id], [r for _, r in sorted(risks.items())])
    return found


def news(
    raised: Raised, enrollments: Mapping[str, Enrollment], alerted: set[Alert]
) -> list[NewRisk]:
    """Those of the `raised` risks not announced before (`alerted`, which grows with them)."""
    found: list[NewRisk] = []
    for enrollment_id, (latest, risks) in raised.items():
        for risk in risks:
            if is_news(alerted, (enrollment_id, risk.scope, risk.period), risk.level):
                alerted.add((enrollment_id, risk.scope, risk.period, risk.level.value))
                found.append(NewRisk(enrollments[enrollment_id], risk, latest))
    return found


def is_news(alerted: set[Alert], where: tuple[str, str, str], level: RiskLevel) -> bool:
    """Each level is announced once per period; a warning never after 80 % was already
    announced unreachable (a period that jumps past both hears only `unreachable`)."""
    unreachable = (*where, RiskLevel.UNREACHABLE.value) in alerted
    if level is RiskLevel.WARNING:
        return not unreachable and (*where, RiskLevel.WARNING.value) not in alerted
    return not unreachable
