"""Scheme versions: published by operators, assigned to programmes, pinned per cohort and
moved by an operator, on the fake unit of work."""

import pytest

from tests.unit.evaluation.fakes import (
    OPERATOR,
    FakeEvaluationUnitOfWork,
    enrolled,
    handle,
    observed,
)
from traintrack.evaluation.commands import (
    AssignScheme,
    MoveCohortScheme,
    PublishScheme,
    ShipDefaultScheme,
)
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME
from traintrack.evaluation.domain.schemes_io import scheme_to_data
from traintrack.platform.errors import NotFound, Rejected


def stricter(minimum=75):
    """The default scheme's stages with another baseline test minimum."""
    stages = scheme_to_data(DEFAULT_SCHEME)["stages"]
    stages[0]["requirements"][0] = {"evidence": "baseline_test", "minimum": minimum}
    return stages


@pytest.fixture
async def uow():
    uow = FakeEvaluationUnitOfWork()
    await handle(uow, ShipDefaultScheme())
    return uow


async def test_the_default_scheme_is_shipped_once(uow):
    await handle(uow, ShipDefaultScheme())
    assert uow.schemes.published == {("kdt-4-stage", 1): (DEFAULT_SCHEME, "traintrack")}
    assert uow.published == []


async def test_an_operator_publishes_the_next_version_and_earlier_ones_stay(uow):
    scheme = await handle(uow, PublishScheme(OPERATOR, "kdt-4-stage", stricter()))
    assert (scheme.scheme_id, scheme.version) == ("kdt-4-stage", 2)
    assert scheme.stages[0].requirements[0].minimum == 75
    assert sorted(uow.schemes.published) == [("kdt-4-stage", 1), ("kdt-4-stage", 2)]
    assert uow.schemes.published[("kdt-4-stage", 2)][1] == "operator:k-op"


async def test_a_scheme_with_unknown_evidence_is_refused_on_requirements(uow):
    stages = [
        {
            "number": 1,
            "name": "x",
            "max_attempts": 1,
            "requirements": [{"evidence": "iq", "minimum": 50}],
        }
    ]
    with pytest.raises(Rejected, match="unknown evidence 'iq'") as refused:
        await handle(uow, PublishScheme(OPERATOR, "odd", stages))
    assert refused.value.field == "requirements"
    assert ("odd", 1) not in uow.schemes.published


async def test_a_programme_is_assigned_a_published_version_only(uow):
    await handle(uow, PublishScheme(OPERATOR, "kdt-4-stage", stricter()))
    await handle(uow, AssignScheme(OPERATOR, "p-1", "kdt-4-stage", 2))
    assert uow.schemes.assignments == {"p-1": ("kdt-4-stage", 2)}
    with pytest.raises(NotFound, match="scheme kdt-4-stage v9 not found"):
        await handle(uow, AssignScheme(OPERATOR, "p-1", "kdt-4-stage", 9))


async def test_moving_a_cohort_re_decides_each_enrollment_under_the_new_version(uow):
    await enrolled(uow)
    await enrolled(uow, enrollment_id="en-2", trainee_id="tr-2")
    observed(uow, "en-1", ("baseline_test", 1, 70))
    await handle(uow, PublishScheme(OPERATOR, "kdt-4-stage", stricter(75)))
    decided = await handle(uow, MoveCohortScheme(OPERATOR, "c-1", "kdt-4-stage", 2))
    assert [d.status.value for d in decided["en-1"]] == ["failed", "locked", "locked", "locked"]
    assert [d.status.value for d in decided["en-2"]] == ["waiting", "locked", "locked", "locked"]
    assert {d.scheme_version for ds in decided.values() for d in ds} == {2}
    assert uow.cohorts.cohorts["c-1"].scheme_version == 2
    assert uow.cohorts.held == ["c-1"]
    assert {t for _, _, t in uow.decisions.history} == {"scheme_move"}
    assert uow.published_types() == ["traintrack.evaluation.stage-failed.v2"]
    assert uow.audit.entries == [
        {
            "by": "k-op",
            "action": "cohort.scheme.move",
            "target": "c-1",
            "detail": {
                "from": {"scheme_id": "kdt-4-stage", "version": 1},
                "to": {"scheme_id": "kdt-4-stage", "version": 2},
                "enrollments": 2,
            },
        }
    ]


async def test_moving_an_unknown_cohort_or_to_an_unknown_version_is_not_found(uow):
    with pytest.raises(NotFound, match="cohort nope not found"):
        await handle(uow, MoveCohortScheme(OPERATOR, "nope", "kdt-4-stage", 1))
    await enrolled(uow)
    with pytest.raises(NotFound, match="scheme kdt-4-stage v999 not found"):
        await handle(uow, MoveCohortScheme(OPERATOR, "c-1", "kdt-4-stage", 999))
    assert (uow.audit.entries, uow.cohorts.cohorts["c-1"].scheme_version) == ([], 1)
