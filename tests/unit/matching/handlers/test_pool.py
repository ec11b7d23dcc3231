"""The candidate pool, kept from enrollment and evaluation facts, and what firms are told
when it changes."""

from datetime import UTC, date, datetime

import pytest

from tests.unit.matching.fakes import shown_to, with_candidate, with_firm, with_opening
from traintrack.matching.commands import (
    EndEnrollment,
    Enrollment,
    RecordAssessment,
    RecordCertification,
    RecordCohort,
    RecordEnrollment,
    RecordPerson,
    RecordReinstatement,
    RecordRevocation,
    RecordStagePassed,
    Subscribe,
    WithdrawStagePass,
)
from traintrack.matching.domain.access import Caller

AT = datetime(2026, 9, 1, tzinfo=UTC)
T1 = Enrollment("t-1", "e-1", "c-1")


@pytest.fixture
async def enrolled(uow, handle):
    """t-1, consenting, enrolled in cohort c-1 (python, AI) of inst-1; firm-a subscribed
    to everyone at stage 2."""
    with_firm(uow)
    await handle(Subscribe(Caller("firm", "firm-a"), "sub-1", minimum_stage=2))
    await handle(RecordCohort("c-1", "prog-1", "inst-1", "AI", ["sql", "python"], "30", None))
    await handle(RecordPerson("t-1", institute_id="inst-1", region_code="30", consent=True))
    await handle(RecordEnrollment(T1, "inst-1"))
    uow.published.clear()
    return uow


async def test_a_registered_person_is_known_with_consent_and_shown_to_nobody_yet(uow, handle):
    await handle(RecordPerson("t-1", institute_id="inst-1", region_code="30", consent=True))
    row = uow.candidates.rows["t-1"]
    assert (row["institute_id"], row["region_code"], row["consent"], row["stage_reached"]) == (
        "inst-1",
        "30",
        True,
        0,
    )
    assert uow.published == []


async def test_an_enrollment_takes_its_cohorts_skills_and_a_cohort_arriving_late_too(uow, handle):
    await handle(RecordEnrollment(T1, "inst-1"))
    assert uow.candidates.rows["t-1"]["institute_id"] == "inst-1"
    await handle(RecordCohort("c-1", "prog-1", "inst-1", "AI", ["sql", "python"], "30", None))
    await handle(RecordStagePassed(T1, 1))
    await handle(RecordStagePassed(T1, 2))
    row = uow.candidates.rows["t-1"]
    assert (row["skills"], row["fields"], row["stage_reached"]) == (["python", "sql"], ["AI"], 2)


async def test_reaching_the_talent_pool_delivers_the_candidate_to_subscribed_firms(
    enrolled, handle
):
    await handle(RecordStagePassed(T1, 1))
    assert enrolled.feed.kinds("firm-a") == []
    await handle(RecordStagePassed(T1, 2))
    assert enrolled.feed.kinds("firm-a") == [("candidate-delivered", "t-1")]
    assert [(e.type, e.stage_reached) for e in enrolled.published] == [
        ("traintrack.matching.candidate-delivered.v1", 2)
    ]


async def test_a_withdrawn_stage_pass_withdraws_the_candidate_from_every_firm(enrolled, handle):
    for stage in (1, 2):
        await handle(RecordStagePassed(T1, stage))
    await handle(WithdrawStagePass(T1, 2))
    assert enrolled.feed.kinds("firm-a")[-1] == ("candidate-withdrawn", "t-1")
    assert enrolled.feed.disclosures["firm-a", "t-1"]["shown"] is False
    assert enrolled.published[-1].reason == "stage_withdrawn"


async def test_consent_withdrawn_withdraws_the_candidate_and_lapses_their_pending_offers(
    uow, handle
):
    with_opening(uow, "op-1", minimum_stage=2)
    with_candidate(uow, "t-1", stage=2)
    shown_to(uow, "firm-a", "t-1")
    uow.offers.offers["o-1"] = {
        "offer_id": "o-1",
        "opening_id": "op-1",
        "firm_id": "firm-a",
        "trainee_id": "t-1",
        "round_id": None,
        "status": "pending",
        "expires_at": AT,
        "made_at": AT,
        "settled_at": None,
    }
    await handle(RecordPerson("t-1", consent=False))
    assert uow.feed.kinds("firm-a") == [("candidate-withdrawn", "t-1"), ("offer-expired", "t-1")]
    assert uow.offers.offers["o-1"]["status"] == "expired"
    assert [(e.type, getattr(e, "reason", None)) for e in uow.published] == [
        ("traintrack.matching.candidate-withdrawn.v1", "consent_withdrawn"),
        ("traintrack.matching.offer-expired.v1", None),
    ]


async def test_an_erased_person_is_withdrawn_as_erased(uow, handle):
    with_firm(uow)
    with_candidate(uow, "t-1", stage=3)
    shown_to(uow, "firm-a", "t-1")
    await handle(RecordPerson("t-1", consent=False, erased=True))
    assert uow.candidates.rows["t-1"]["erased"] is True
    assert uow.published[-1].reason == "erased"


async def test_the_project_score_is_the_mean_of_both_sides_rubric_scores(enrolled, handle):
    await handle(RecordAssessment(T1, 3, "rubric", "institute", 80.0))
    await handle(RecordAssessment(T1, 3, "rubric", "firm", 60.0))
    await handle(RecordAssessment(T1, 3, "attendance", "firm", 10.0))  # not a rubric
    await handle(RecordAssessment(T1, 2, "rubric", "firm", 10.0))  # not the project
    assert enrolled.enrollments.rows["e-1"]["score"] == 70.0


async def test_a_revoked_credential_withdraws_the_candidate_naming_it_and_reinstated_returns(
    enrolled, handle
):
    for stage in (1, 2, 3, 4):
        await handle(RecordStagePassed(T1, stage))
    await handle(RecordCertification(T1, "cred-1", None, "kdt-4-stage", 1, AT))
    assert enrolled.candidates.rows["t-1"]["certifications"] == [
        {"programme_id": "prog-1", "credential_id": "cred-1"}
    ]
    assert enrolled.feed.disclosures["firm-a", "t-1"]["credentials_shown"] == ["cred-1"]
    await handle(RecordRevocation(T1, "cred-1", "misconduct", "plagiarism", AT))
    withdrawn = enrolled.feed.entries_of["firm-a"][-1]
    assert (withdrawn["kind"], withdrawn["data"]) == (
        "candidate-withdrawn",
        {
            "reason": "certification_revoked",
            "revoked": [
                {"programme_id": "prog-1", "credential_id": "cred-1", "reason": "plagiarism"}
            ],
        },
    )
    await handle(RecordReinstatement(T1, "cred-1"))
    assert enrolled.candidates.rows["t-1"]["certified"] is True
    assert enrolled.feed.kinds("firm-a")[-1] == ("candidate-delivered", "t-1")


async def test_an_ended_enrollment_keeps_its_ending_and_its_cohorts_last_day(uow, handle):
    await handle(RecordCohort("c-1", "prog-1", "inst-1", "AI", [], "30", date(2026, 12, 18)))
    await handle(EndEnrollment(T1, "completed"))
    row = uow.candidates.rows["t-1"]
    assert (row["status"], row["available_from"]) == ("completed", date(2026, 12, 18))


async def test_a_version_1_fact_applies_to_the_trainees_latest_enrollment(enrolled, handle):
    later = Enrollment("t-1", "e-2", "c-2")
    await handle(RecordEnrollment(later, "inst-1"))
    await handle(RecordStagePassed(Enrollment("t-1"), 1))
    assert enrolled.enrollments.rows["e-2"]["passed"] == {1}
    assert enrolled.enrollments.rows["e-1"]["passed"] == set()


async def test_a_version_1_fact_before_any_enrollment_waits_in_a_placeholder(uow, handle):
    await handle(RecordStagePassed(Enrollment("t-9"), 1))
    assert uow.enrollments.rows["v1:t-9"]["passed"] == {1}
