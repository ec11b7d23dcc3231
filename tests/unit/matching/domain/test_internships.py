"""An internship records what it causes."""

from datetime import date

import pytest

from traintrack.matching.domain.internships import Completed, HiredIntern, Internship, Started
from traintrack.matching.domain.offers import InternshipStatus
from traintrack.platform.errors import Conflict


def agreed():
    return Internship("i-1", "t-1", "f-1", "op-1", InternshipStatus.AGREED)


def test_starting_records_that_the_intern_started():
    internship = agreed()
    internship.start(date(2027, 1, 4))
    assert (internship.status, internship.events) == (
        InternshipStatus.STARTED,
        [Started("i-1", "t-1", "f-1", "op-1", date(2027, 1, 4))],
    )


def test_completing_with_a_hire_records_the_end_and_the_hire_in_that_order():
    internship = agreed()
    internship.start(date(2027, 1, 4))
    terms = {"starts_on": date(2027, 4, 1), "employment_type": "permanent", "insured": True}
    internship.complete(date(2027, 3, 26), terms)
    assert internship.events[1:] == [
        Completed("i-1", "t-1", "f-1", date(2027, 3, 26), converted=True),
        HiredIntern("i-1", "t-1", "f-1", terms),
    ]


def test_an_internship_neither_ends_before_it_started_nor_completes_unstarted():
    with pytest.raises(Conflict, match="it cannot become completed"):
        agreed().complete(date(2027, 3, 26), None)
    internship = agreed()
    internship.start(date(2027, 1, 4))
    with pytest.raises(Conflict, match="cannot end before it started"):
        internship.complete(date(2027, 1, 3), None)
    assert len(internship.events) == 1
