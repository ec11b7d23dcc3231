"""Recording evidence and rubric assessments, and creating projects, on the fake unit of
work: what is stored, what is announced, what is refused."""

import pytest

from tests.unit.evaluation.fakes import (
    FIRM,
    INSTITUTE,
    OTHER_FIRM,
    OTHER_INSTITUTE,
    RECORDED_AT,
    FakeEvaluationUnitOfWork,
    enrolled,
    handle,
)
from traintrack.contracts.evaluation import AssessmentRecorded, StagePassed
from traintrack.evaluation.commands import CreateProject, RecordAssessment, RecordEvidence
from traintrack.evaluation.domain.decisions import Status
from traintrack.evaluation.domain.project import Project
from traintrack.evaluation.domain.scheme import RUBRIC_CRITERIA
from traintrack.platform.errors import Conflict, Forbidden, NotFound, Rejected

P, W, F, L = Status.PASSED, Status.WAITING, Status.FAILED, Status.LOCKED


def baseline(value=72.0, *, by=INSTITUTE, enrollment_id="en-1", trainee_id=None, attempt=1):
    return RecordEvidence(by, enrollment_id, trainee_id, "baseline_test", 1, attempt, value)


@pytest.fixture
async def uow():
    uow = FakeEvaluationUnitOfWork()
    await enrolled(uow)
    return uow


async def test_a_baseline_test_passed_with_good_attendance_passes_stage_1_and_says_so(uow):
    decisions = await handle(uow, baseline(72))
    assert [d.status for d in decisions] == [P, W, L, L]
    assert uow.evidence.recorded_by == ["institute:k-inst"]
    assert uow.decisions.triggers("en-1") == [
        (1, "passed", "evidence"),
        (2, "waiting", "evidence"),
        (3, "locked", "evidence"),
        (4, "locked", "evidence"),
    ]
    recorded, passed = uow.published
    assert recorded == AssessmentRecorded(
        trainee_id="tr-1",
        enrollment_id="en-1",
        cohort_id="c-1",
        stage=1,
        attempt=1,
        evidence="baseline_test",
        value=72,
        side="institute",
        recorded_at=RECORDED_AT,
    )
    assert isinstance(passed, StagePassed)
    assert (passed.stage, passed.stage_name, passed.unlocks) == (
        1,
        "Foundation",
        ["practitioner_mentoring", "cloud_onboarding"],
    )
    assert (passed.scheme_id, passed.scheme_version) == ("kdt-4-stage", 1)
    assert uow.enrollments.locked == ["en-1"]  # re-decided holding the enrollment


async def test_the_same_evidence_again_changes_nothing_and_announces_nothing(uow):
    first = await handle(uow, baseline(72))
    published = list(uow.published)
    again = await handle(uow, baseline(72))
    assert again == first  # the same answer
    assert uow.published == published  # no second assessment-recorded
    assert len(uow.evidence.observations["en-1"]) == 1
    assert len(uow.decisions.history) == 4


async def test_evidence_that_says_something_else_is_recorded_and_announced(uow):
    await handle(uow, baseline(72))
    await handle(uow, baseline(40))  # a correction, then the first value again: both news
    await handle(uow, baseline(72))
    recorded = [e.value for e in uow.published if isinstance(e, AssessmentRecorded)]
    assert recorded == [72, 40, 72]
    assert len(uow.evidence.observations["en-1"]) == 3


async def test_a_firm_key_records_no_test_score(uow):
    with pytest.raises(Forbidden, match="a firm key does not record 'baseline_test'"):
        await handle(uow, baseline(by=FIRM))
    assert (uow.published, uow.evidence.observations, uow.rollbacks) == ([], {}, 1)


async def test_another_institute_does_not_find_the_enrollment(uow):
    with pytest.raises(NotFound, match="enrollment en-1 not found"):
        await handle(uow, baseline(by=OTHER_INSTITUTE))
    assert uow.published == []


async def test_a_firm_records_the_interview_of_a_trainee_it_assesses(uow):
    uow.projects.projects["pr-1"] = Project("pr-1", "p-1", "inst-a", "firm-a", "x", ("tr-1",))
    await handle(uow, RecordEvidence(FIRM, "en-1", None, "interview", 4, 1, 1))
    assert uow.evidence.recorded_by == ["firm:k-firm"]
    assert uow.published[0].side == "firm"
    with pytest.raises(NotFound):
        await handle(uow, RecordEvidence(OTHER_FIRM, "en-1", None, "interview", 4, 1, 1))


async def test_evidence_naming_another_trainee_is_refused_on_trainee_id(uow):
    with pytest.raises(Rejected, match="enrollment en-1 is not trainee tr-9's") as refused:
        await handle(uow, baseline(trainee_id="tr-9"))
    assert refused.value.field == "trainee_id"


@pytest.mark.parametrize(
    ("command", "field", "detail"),
    [
        (
            RecordEvidence(INSTITUTE, "en-1", None, "module_test", 1, 1, 80),
            "evidence",
            "stage 1 of kdt-4-stage v1 takes no module_test",
        ),
        (baseline(attempt=3), "attempt", "stage 1 allows 2 attempt(s)"),
        (baseline(100.5), "value", "a score lies between 0 and 100; a yes/no is 1 or 0"),
        (
            RecordEvidence(INSTITUTE, "en-1", None, "baseline_test", 7, 1, 80),
            "stage",
            "scheme kdt-4-stage v1 has no stage 7",
        ),
    ],
)
async def test_evidence_the_scheme_does_not_take_is_refused_naming_the_field(
    uow, command, field, detail
):
    with pytest.raises(Rejected) as refused:
        await handle(uow, command)
    assert (refused.value.field, refused.value.detail) == (field, detail)
    assert uow.evidence.observations == {}


# ---------------------------------------------------------------- projects


def project(team=("tr-1",), programme_id="p-1", by=INSTITUTE):
    return CreateProject(by, "pr-1", programme_id, "firm-a", "수요 예측", team)


async def test_an_institute_creates_a_project_for_its_trainees_in_the_programme(uow):
    created = await handle(uow, project())
    assert created == Project("pr-1", "p-1", "inst-a", "firm-a", "수요 예측", ("tr-1",))
    assert uow.projects.projects == {"pr-1": created}
    assert uow.published == []


async def test_a_project_id_taken_is_a_conflict(uow):
    await handle(uow, project())
    with pytest.raises(Conflict, match="project pr-1 exists"):
        await handle(uow, project())


async def test_a_team_member_outside_the_programme_or_the_institute_is_refused(uow):
    for command in (project(programme_id="p-other"), project(by=OTHER_INSTITUTE)):
        with pytest.raises(Rejected, match="trainee tr-1 is not in programme") as refused:
            await handle(uow, command)
        assert refused.value.field == "team"
    assert uow.projects.projects == {}


# ---------------------------------------------------------------- rubric assessments


def scores(value=80.0, **overrides):
    return {**dict.fromkeys(RUBRIC_CRITERIA, value), **overrides}


async def test_the_institute_scores_a_member_and_the_record_carries_the_weighted_mean(uow):
    await handle(uow, project())
    # modelling and engineering quality weigh 1.5 of 7: (4 * 70 + 1.5 * 84 * 2) / 7 = 76.
    facts, decisions = await handle(
        uow,
        RecordAssessment(
            INSTITUTE, "pr-1", "tr-1", None, 1, scores(70, modelling=84, engineering_quality=84)
        ),
    )
    assert facts.enrollment_id == "en-1"
    assert [d.status for d in decisions] == [W, L, L, L]
    [recorded] = uow.published
    assert (recorded.evidence, recorded.stage, recorded.value, recorded.side) == (
        "rubric",
        3,
        76.0,
        "institute",
    )
    [(project_id, assessment)] = uow.evidence.assessments["en-1"]
    assert (project_id, assessment.assessor, assessment.side) == (
        "pr-1",
        "institute:k-inst",
        "institute",
    )


async def test_the_same_scores_again_from_the_same_assessor_change_nothing(uow):
    await handle(uow, project())
    assess = RecordAssessment(INSTITUTE, "pr-1", "tr-1", None, 1, scores(70))
    first = await handle(uow, assess)
    assert await handle(uow, assess) == first
    assert len(uow.published) == 1 and len(uow.evidence.assessments["en-1"]) == 1
    # Other scores, or the same from the firm, are news.
    await handle(uow, RecordAssessment(INSTITUTE, "pr-1", "tr-1", None, 1, scores(90)))
    await handle(uow, RecordAssessment(FIRM, "pr-1", "tr-1", None, 1, scores(70)))
    assert [a.side for _, a in uow.evidence.assessments["en-1"]] == [
        "institute",
        "institute",
        "firm",
    ]


async def test_only_the_projects_institute_and_firm_find_it(uow):
    await handle(uow, project())
    await handle(uow, RecordAssessment(FIRM, "pr-1", "tr-1", None, 1, scores()))
    for outsider in (OTHER_FIRM, OTHER_INSTITUTE):
        with pytest.raises(NotFound, match="project pr-1 not found"):
            await handle(uow, RecordAssessment(outsider, "pr-1", "tr-1", None, 1, scores()))
    assert [a.side for _, a in uow.evidence.assessments["en-1"]] == ["firm"]


async def test_assessments_of_someone_off_the_team_or_of_other_criteria_are_refused(uow):
    await handle(uow, project())
    cases = [
        (RecordAssessment(INSTITUTE, "pr-1", "tr-9", None, 1, scores()), "trainee_id"),
        (RecordAssessment(INSTITUTE, "pr-1", "tr-1", None, 1, {"modelling": 80}), "scores"),
        (RecordAssessment(INSTITUTE, "pr-1", "tr-1", None, 3, scores()), "attempt"),
        (RecordAssessment(INSTITUTE, "pr-1", "tr-1", "en-9", 1, scores()), "enrollment_id"),
    ]
    for command, field in cases:
        with pytest.raises(Rejected) as refused:
            await handle(uow, command)
        assert refused.value.field == field
    assert uow.evidence.assessments == {}


async def test_a_member_in_two_cohorts_of_the_programme_must_name_the_enrollment(uow):
    await enrolled(uow, enrollment_id="en-2", cohort_id="c-2")
    await handle(uow, project())
    with pytest.raises(Rejected, match="trainee tr-1 has 2 enrollments in programme p-1"):
        await handle(uow, RecordAssessment(INSTITUTE, "pr-1", "tr-1", None, 1, scores()))
    facts, _ = await handle(uow, RecordAssessment(INSTITUTE, "pr-1", "tr-1", "en-2", 1, scores()))
    assert facts.enrollment_id == "en-2"
    assert list(uow.evidence.assessments) == ["en-2"]
