"""The closing sweep's handler: one round of enrollments whose course and grace are over."""

from datetime import date

from tests.unit.enrollment.conftest import LAST, enrolled, handle
from traintrack.contracts import enrollment as contracts
from traintrack.enrollment.commands import CloseDueEnrollments
from traintrack.enrollment.domain.enrollments import EnrollmentStatus

LAST_GRACE_DAY = date(2026, 4, 24)  # the cohort's last day, 17 April, plus seven


async def test_an_enrollment_stays_open_through_its_last_grace_day_and_closes_the_day_after(uow):
    enrolled(uow)
    kept = await handle(uow, CloseDueEnrollments(LAST_GRACE_DAY))
    assert (kept.completed, kept.not_completed, kept.more) == (0, 0, False)
    closed = await handle(uow, CloseDueEnrollments(date(2026, 4, 25)))
    assert (closed.completed, closed.not_completed, closed.more) == (0, 1, False)
    ended = uow.enrollments.enrollments["en-1"]
    assert (ended.status, ended.ended_on) == (EnrollmentStatus.NOT_COMPLETED, LAST)
    [event] = uow.published
    assert isinstance(event, contracts.EnrollmentNotCompleted)
    assert (event.enrollment_id, event.decided_on) == ("en-1", date(2026, 4, 25))


async def test_an_enrollment_learnt_of_late_gets_its_grace_from_that_day(uow):
    enrolled(uow, known_on=date(2026, 4, 20))
    kept = await handle(uow, CloseDueEnrollments(date(2026, 4, 27)))
    assert kept.not_completed == 0
    closed = await handle(uow, CloseDueEnrollments(date(2026, 4, 28)))
    assert closed.not_completed == 1


async def test_the_grace_period_comes_from_the_settings(uow):
    enrolled(uow)
    closed = await handle(uow, CloseDueEnrollments(date(2026, 4, 19)), grace_days=1)
    assert closed.not_completed == 1


async def test_a_round_takes_at_most_its_limit_and_says_another_may_find_more(uow):
    for n in (1, 2, 3):
        enrolled(uow, f"en-{n}", f"tr-{n}")
    first = await handle(uow, CloseDueEnrollments(date(2026, 4, 25), limit=2))
    assert (first.not_completed, first.more) == (2, True)
    second = await handle(uow, CloseDueEnrollments(date(2026, 4, 25), limit=2))
    assert (second.not_completed, second.more) == (1, False)
    assert [e.enrollment_id for e in uow.published] == ["en-1", "en-2", "en-3"]


async def test_an_enrollment_another_transaction_holds_is_left_for_the_next_round(uow):
    enrolled(uow)
    uow.enrollments.held.add("en-1")
    closed = await handle(uow, CloseDueEnrollments(date(2026, 4, 25)))
    assert (closed.not_completed, uow.published) == (0, [])
    assert uow.enrollments.enrollments["en-1"].status is EnrollmentStatus.ENROLLED
