"""Certification, revocation and reinstatement of one enrollment's credential, on the fake
unit of work."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.evaluation.fakes import (
    INSTITUTE,
    ISSUER,
    OPERATOR,
    THROUGH_STAGE_4,
    FakeEvaluationUnitOfWork,
    enrolled,
    handle,
    observed,
    rubric_scored,
)
from traintrack.contracts.evaluation import (
    CertificationReinstated,
    CertificationRevoked,
    Certified,
)
from traintrack.evaluation.commands import (
    EndEnrollment,
    RecordEvidence,
    ReinstateCredential,
    RevokeCredential,
)
from traintrack.evaluation.domain.status_list import place
from traintrack.platform.errors import Conflict, NotFound

CERTIFIED = "traintrack.evaluation.certified.v2"


@pytest.fixture
async def uow():
    """An enrollment with every stage's evidence, waiting for the course to end."""
    uow = FakeEvaluationUnitOfWork()
    await enrolled(uow)
    observed(uow, "en-1", *THROUGH_STAGE_4)
    rubric_scored(uow, "en-1", 80)
    return uow


async def certified(uow) -> str:
    await handle(uow, EndEnrollment("en-1", "completed", 0.91))
    [credential_id] = uow.credentials.rows
    uow.published.clear()
    return credential_id


async def test_completing_the_course_passes_stage_4_and_issues_a_signed_credential(uow):
    await handle(uow, EndEnrollment("en-1", "completed", 0.91))
    assert uow.published_types()[-2:] == ["traintrack.evaluation.stage-passed.v2", CERTIFIED]
    issued = uow.published[-1]
    assert isinstance(issued, Certified)
    [stored] = uow.credentials.rows.values()
    assert (issued.credential_id, issued.programme_id, issued.scheme_id) == (
        stored["credential_id"],
        "p-1",
        "kdt-4-stage",
    )
    assert issued.valid_until - issued.issued_at == timedelta(days=3 * 365)
    claims = uow.signer.verify(stored["jwt"], now=datetime.now(UTC))
    assert (claims["iss"], claims["sub"], claims["jti"]) == (
        ISSUER,
        "urn:traintrack:trainee:tr-1",
        f"urn:uuid:{issued.credential_id}",
    )
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["name"] == "Field-ready certification: p-1"
    assert achievement["id"] == f"{ISSUER}/achievements/kdt-4-stage/v1"
    # The first credential given a status holds the bit its place names, in list 0.
    assert (stored["status_list"], stored["status_index"]) == place(0)
    assert claims["credentialStatus"]["statusListIndex"] == str(stored["status_index"])
    assert uow.decisions.triggers("en-1")[-1] == (4, "passed", "completed")


async def test_an_active_credential_is_not_issued_twice(uow):
    await certified(uow)
    await handle(uow, RecordEvidence(INSTITUTE, "en-1", None, "presentation", 4, 1, 95))
    assert CERTIFIED not in uow.published_types()
    assert len(uow.credentials.rows) == 1


async def test_a_correction_that_breaks_the_basis_revokes_before_the_withdrawals(uow):
    credential_id = await certified(uow)
    await handle(uow, RecordEvidence(INSTITUTE, "en-1", None, "module_test", 2, 1, 41))
    assert uow.published_types()[1:] == [
        "traintrack.evaluation.certification-revoked.v2",
        "traintrack.evaluation.stage-failed.v2",
        "traintrack.evaluation.stage-pass-withdrawn.v2",
        "traintrack.evaluation.stage-pass-withdrawn.v2",
        "traintrack.evaluation.stage-pass-withdrawn.v2",
    ]
    revoked = uow.published[1]
    assert (revoked.credential_id, revoked.cause, revoked.reason) == (
        credential_id,
        "basis_withdrawn",
        "basis withdrawn: stage 2 is failed",
    )
    assert uow.credentials.rows[credential_id]["revocation_cause"] == "basis_withdrawn"


async def test_an_operator_revokes_by_hand_audited_and_announced(uow):
    credential_id = await certified(uow)
    await handle(uow, RevokeCredential(OPERATOR, credential_id, "plagiarism"))
    [revoked] = uow.published
    assert isinstance(revoked, CertificationRevoked)
    assert (revoked.enrollment_id, revoked.cause, revoked.reason) == (
        "en-1",
        "manual",
        "plagiarism",
    )
    assert uow.credentials.rows[credential_id]["revoked_at"] == revoked.revoked_at
    assert uow.audit.entries == [
        {
            "by": "k-op",
            "action": "credential.revoke",
            "target": credential_id,
            "detail": {"reason": "plagiarism", "enrollment_id": "en-1"},
        }
    ]
    assert uow.enrollments.locked[-1] == "en-1"  # takes turns with re-decisions


async def test_a_manual_revocation_is_final_later_evidence_reissues_nothing(uow):
    credential_id = await certified(uow)
    await handle(uow, RevokeCredential(OPERATOR, credential_id, "plagiarism"))
    await handle(uow, RevokeCredential(OPERATOR, credential_id, "again"))
    await handle(uow, RecordEvidence(INSTITUTE, "en-1", None, "presentation", 4, 1, 95))
    assert CERTIFIED not in uow.published_types()
    assert uow.credentials.rows[credential_id]["revocation_reason"] == "plagiarism"
    assert len(uow.audit.entries) == 1


async def test_revoking_by_hand_after_the_basis_broke_makes_it_manual_without_a_new_event(uow):
    credential_id = await certified(uow)
    await handle(uow, RecordEvidence(INSTITUTE, "en-1", None, "module_test", 2, 1, 41))
    broke_at = uow.credentials.rows[credential_id]["revoked_at"]
    uow.published.clear()
    await handle(uow, RevokeCredential(OPERATOR, credential_id, "the module test was copied"))
    assert uow.published == []
    row = uow.credentials.rows[credential_id]
    assert (row["revocation_cause"], row["revocation_reason"], row["revoked_at"]) == (
        "manual",
        "the module test was copied",
        broke_at,
    )


async def test_an_operator_reinstates_a_manual_revocation_whose_basis_holds(uow):
    credential_id = await certified(uow)
    await handle(uow, RevokeCredential(OPERATOR, credential_id, "plagiarism"))
    uow.published.clear()
    await handle(uow, ReinstateCredential(OPERATOR, credential_id, "appeal upheld"))
    [reinstated] = uow.published
    assert isinstance(reinstated, CertificationReinstated)
    assert (reinstated.credential_id, reinstated.reason) == (credential_id, "appeal upheld")
    row = uow.credentials.rows[credential_id]
    assert (row["revoked_at"], row["reinstatement_reason"]) == (None, "appeal upheld")
    assert uow.audit.entries[-1]["detail"] == {
        "reason": "appeal upheld",
        "revoked_for": "plagiarism",
        "enrollment_id": "en-1",
    }


async def test_reinstating_an_active_credential_or_one_whose_basis_broke_is_a_conflict(uow):
    credential_id = await certified(uow)
    with pytest.raises(Conflict, match="is active: nothing to reinstate"):
        await handle(uow, ReinstateCredential(OPERATOR, credential_id, "try"))
    await handle(uow, RecordEvidence(INSTITUTE, "en-1", None, "module_test", 2, 1, 41))
    with pytest.raises(Conflict, match="is revoked as its basis broke: nothing to reinstate"):
        await handle(uow, ReinstateCredential(OPERATOR, credential_id, "try"))
    assert uow.audit.entries == []


async def test_an_unknown_credential_is_not_found(uow):
    for command in (
        RevokeCredential(OPERATOR, "cr-none", "x" * 5),
        ReinstateCredential(OPERATOR, "cr-none", "x" * 5),
    ):
        with pytest.raises(NotFound, match="credential cr-none not found"):
            await handle(uow, command)
