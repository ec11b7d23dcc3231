"""Who sees an enrollment and who records which evidence, as pure rules."""

import pytest

from traintrack.evaluation.domain import access
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.project import Project
from traintrack.platform.web.auth import Principal, Role

FACTS = EnrollmentFacts("en-1", "tr-1", "c-1", "inst-a", "p-1")


class Projects:
    def __init__(self, *projects):
        self.projects = projects

    async def firm_assesses(self, firm_id, trainee_id, programme_id):
        return any(
            p.firm_id == firm_id and trainee_id in p.team and p.programme_id == programme_id
            for p in self.projects
        )


GIVEN = Projects(Project("pr-1", "p-1", "inst-a", "firm-a", "x", ("tr-1",)))


@pytest.mark.parametrize(
    ("actor", "sees"),
    [
        (Principal("k", Role.OPERATOR, "traintrack"), True),
        (Principal("k", Role.INSTITUTE, "inst-a"), True),
        (Principal("k", Role.INSTITUTE, "inst-b"), False),
        (Principal("k", Role.FIRM, "firm-a"), True),
        (Principal("k", Role.FIRM, "firm-b"), False),
    ],
)
async def test_an_enrollment_is_seen_by_its_institute_its_assessing_firm_and_operators(actor, sees):
    assert await access.may_see(actor, FACTS, GIVEN) is sees


async def test_a_firm_assessing_the_trainee_in_another_programme_does_not_see_it():
    elsewhere = Projects(Project("pr-2", "p-2", "inst-a", "firm-a", "x", ("tr-1",)))
    assert await access.may_see(Principal("k", Role.FIRM, "firm-a"), FACTS, elsewhere) is False


def test_firms_record_interviews_only_and_institutes_everything_else_but_the_course_facts():
    firm, institute = Principal("k", Role.FIRM, "f"), Principal("k", Role.INSTITUTE, "i")
    assert [e for e in ("interview", "presentation") if access.records(firm, e)] == ["interview"]
    assert [
        e
        for e in ("baseline_test", "interview", "attendance", "course_completed", "hackathon")
        if access.records(institute, e)
    ] == ["baseline_test", "hackathon"]
    assert not access.records(Principal("k", Role.OPERATOR, "t"), "baseline_test")
