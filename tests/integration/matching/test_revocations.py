"""Revocations as firms hear of them, whichever event of one change arrives first."""

import pytest

from tests.utils.matching import (
    AT,
    SCHEME,
    about,
    candidate,
    certified,
    delivered,
    feed_events,
    ids,
    passed,
    revoked,
    subscribe,
    whole_feed,
)
from traintrack.contracts import evaluation as ev

pytestmark = pytest.mark.integration


async def test_a_manual_revocation_tells_every_firm_that_received_the_candidate_with_the_reason(
    service, client, keys
):
    app, _ = service
    await subscribe(client, keys["firm"], "a-manual", "ocaml", 2)
    await subscribe(client, keys["other_firm"], "b-manual", "ocaml", 4)
    trainee = await candidate(app, stage=4, cohort="manual-1", skills=("ocaml",))
    await feed_events(app, certified(trainee, "cred-manual"))
    for name in ("firm", "other_firm"):
        assert trainee in delivered(await whole_feed(client, keys[name]))

    await feed_events(app, revoked(trainee, "cred-manual", "plagiarism in the final project"))

    told = {
        "reason": "certification_revoked",
        "revoked": [
            {
                "credential_id": "cred-manual",
                "programme_id": "p-1",
                "reason": "plagiarism in the final project",
            }
        ],
    }
    for name in ("firm", "other_firm"):  # the stage-2 firm too: a revoked course is no basis
        entries = await whole_feed(client, keys[name])
        assert about(entries, trainee, "candidate-withdrawn") == [told]
        refused = await client.get(f"/v1/candidates/{trainee}", headers=keys[name])
        assert refused.status_code == 404
    reasons = await app.state.pool.fetch(
        """SELECT data->>'reason' AS reason FROM outbox
           WHERE event_type = $1 AND data->>'trainee_id' = $2
             AND data->>'firm_id' = ANY($3::text[])""",
        "traintrack.matching.candidate-withdrawn.v1",
        trainee,
        ["firm-a", "firm-b"],  # (other firms' subscriptions in this module may match too)
    )
    assert [r["reason"] for r in reasons] == ["certification_revoked"] * 2

    # Later evidence on the same course brings nothing back; only a reinstatement does.
    await feed_events(app, passed(trainee, 4))
    for name in ("firm", "other_firm"):
        assert delivered(await whole_feed(client, keys[name])).count(trainee) == 1
    reinstated = ev.CertificationReinstated(
        **ids(trainee), credential_id="cred-manual", reason="appeal upheld", reinstated_at=AT
    )
    await feed_events(app, reinstated)
    for name in ("firm", "other_firm"):
        entries = await whole_feed(client, keys[name])
        assert delivered(entries).count(trainee) == 2
        profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys[name])).json()
        assert (profile["stage_reached"], profile["certified"]) == (4, True)
        assert profile["certifications"] == [
            {"programme_id": "p-1", "credential_id": "cred-manual"}
        ]


@pytest.mark.parametrize("revocation_first", [True, False], ids=["revocation-first", "stage-first"])
async def test_a_broken_basis_is_told_as_certification_revoked_not_stage_withdrawn(
    service, client, keys, revocation_first
):
    app, _ = service
    skill = f"prolog-{revocation_first}".lower()
    await subscribe(client, keys["third_firm"], f"c-basis-{revocation_first}".lower(), skill, 4)
    trainee = await candidate(app, stage=4, cohort="basis-1", skills=(skill,))
    await feed_events(app, certified(trainee, f"cred-basis-{trainee}"))
    assert trainee in delivered(await whole_feed(client, keys["third_firm"]))

    change = [
        revoked(
            trainee, f"cred-basis-{trainee}", "presentation score corrected", "basis_withdrawn"
        ),
        ev.StagePassWithdrawn(**ids(trainee), stage=4, decided_at=AT, **SCHEME),
    ]
    await feed_events(app, *(change if revocation_first else reversed(change)))

    entries = await whole_feed(client, keys["third_firm"])
    # Told once, when the first event of the change arrived, with what was known then.
    reason = (
        "presentation score corrected"
        if revocation_first
        else ("basis withdrawn: stage 4 no longer held")
    )
    assert about(entries, trainee, "candidate-withdrawn") == [
        {
            "reason": "certification_revoked",
            "revoked": [
                {"credential_id": f"cred-basis-{trainee}", "programme_id": "p-1", "reason": reason}
            ],
        }
    ]
    assert [e["kind"] for e in entries if e["trainee_id"] == trainee][-1] == "candidate-withdrawn"
    shown = await client.get(f"/v1/candidates/{trainee}", headers=keys["operator"])
    assert (shown.json()["stage_reached"], shown.json()["certified"]) == (0, False)
