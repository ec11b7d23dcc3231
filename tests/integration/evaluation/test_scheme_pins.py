"""Scheme versions pinned per cohort on a real database: a running cohort keeps its version,
a new one takes the programme's, and an operator moves a running cohort."""

import pytest

from tests.utils.evaluation import (
    attendance,
    emitted,
    enroll,
    evidence,
    feed,
    stages_of,
)

pytestmark = pytest.mark.integration


async def test_a_cohort_keeps_its_version_and_an_operator_moves_it(app, client, keys):
    programme = "kdt-pinned"
    running = await enroll(app, cohort_id="kdt-pinned-2026-1", programme_id=programme)
    assert (await evidence(client, keys, running, "baseline_test", 1, 70))[1] == "passed"
    current = (await client.get("/v1/schemes/kdt-4-stage", headers=keys["operator"])).json()
    stricter = [
        {
            **s,
            "requirements": [
                {**r, "minimum": 75} if r["evidence"] == "baseline_test" else r
                for r in s["requirements"]
            ],
        }
        for s in current["stages"]
    ]
    published = await client.post(
        "/v1/schemes",
        headers=keys["operator"],
        json={"scheme_id": "kdt-4-stage", "stages": stricter},
    )
    version = published.json()["version"]
    assigned = await client.put(
        f"/v1/programmes/{programme}/scheme",
        headers=keys["operator"],
        json={"scheme_id": "kdt-4-stage", "version": version},
    )
    assert assigned.status_code == 200
    # The running cohort keeps v1: new evidence is still decided under it.
    await feed(app, attendance(running, 0.9))
    assert (await evidence(client, keys, running, "module_test", 2, 80))[1] == "passed"
    assert {d["scheme_version"] for d in (await stages_of(client, keys, running))["current"]} == {1}
    # A cohort opened after the assignment is pinned to the new version.
    later = await enroll(app, cohort_id="kdt-pinned-2027-1", programme_id=programme)
    assert (await evidence(client, keys, later, "baseline_test", 1, 70))[1] == "failed"
    # The operator moves the running cohort: every enrollment re-decided, audited.
    path = "/v1/cohorts/kdt-pinned-2026-1/scheme"
    body = {"scheme_id": "kdt-4-stage", "version": version}
    assert (await client.put(path, headers=keys["institute"], json=body)).status_code == 403
    moved = await client.put(path, headers=keys["operator"], json=body)
    assert moved.status_code == 200, moved.text
    assert moved.json()["re_decided"] == 1
    stages = await stages_of(client, keys, running)
    assert [(d["status"], d["scheme_version"]) for d in stages["current"]] == [
        ("failed", version),
        ("locked", version),
        ("locked", version),
        ("locked", version),
    ]
    assert {d["trigger"] for d in stages["history"] if d["scheme_version"] == version} == {
        "scheme_move"
    }
    assert any(d["scheme_version"] == 1 for d in stages["history"])  # the past is kept
    [withdrawn_1, *_] = await emitted(app, running, "stage-pass-withdrawn")
    assert (withdrawn_1["stage"], withdrawn_1["scheme_version"]) == (1, version)
    [audited] = await app.state.pool.fetch(
        "SELECT detail FROM audit_log WHERE action = 'cohort.scheme.move'"
    )
    assert audited["detail"] == {
        "from": {"scheme_id": "kdt-4-stage", "version": 1},
        "to": {"scheme_id": "kdt-4-stage", "version": version},
        "enrollments": 1,
    }
    unknown = await client.put("/v1/cohorts/nope/scheme", headers=keys["operator"], json=body)
    assert unknown.status_code == 404
    no_version = await client.put(
        path, headers=keys["operator"], json={"scheme_id": "kdt-4-stage", "version": 999}
    )
    assert no_version.status_code == 404
