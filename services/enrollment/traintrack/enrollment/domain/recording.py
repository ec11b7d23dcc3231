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


def new_risks(
    accepted: list[tuple[str, rules.AttendanceDay]],
    enrollments: Mapping[str, Enrollment],
    cohorts: Mapping[str, Cohort],
    records: Mapping[str, rules.Records],
    alerted: set[Alert],
    warn_below: Fraction,
) -> list[NewRisk]:
    """The risks the `accepted` days raise that were not announced before (`alerted`,
    which grows with them), by enrollment, scope and period."""
    latest: dict[str, date] = {}
    touched: dict[str, set[date]] = {}
    for enrollment_id, day in accepted:
        latest[enrollment_id] = max(day.day, latest.get(enrollment_id, day.day))
        touched.setdefault(enrollment_id, set()).add(day.day)
    found: list[NewRisk] = []
    for enrollment_id, days in touched.items():
        enrollment = enrollments[enrollment_id]
        cohort, kept = cohorts[enrollment.cohort_id], records[enrollment_id]
        risks = {
            (r.scope, r.period): r
            for d in days
            for r in rules.risks_after(cohort, kept, d, warn_below)
        }
        for (scope, period), risk in sorted(risks.items()):
            if is_news(alerted, (enrollment_id, scope, period), risk.level):
                alerted.add((enrollment_id, scope, period, risk.level.value))
                found.append(NewRisk(enrollment, risk, latest[enrollment_id]))
    return found


def is_news(alerted: set[Alert], where: tuple[str, str, str], level: RiskLevel) -> bool:
    """Each level is announced once per period; a warning never after 80 % was already
    announced unreachable (a period that jumps past both hears only `unreachable`)."""
    unreachable = (*where, RiskLevel.UNREACHABLE.value) in alerted
    if level is RiskLevel.WARNING:
        return not unreachable and (*where, RiskLevel.WARNING.value) not in alerted
    return not unreachable
