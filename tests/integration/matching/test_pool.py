"""The candidate pool from enrollment and evaluation events: repeat participants,
version-1 events, the store's migration, facts arriving early."""

import asyncio
import json
import shutil
from datetime import UTC, date, datetime

import asyncpg
import pytest

from tests.utils import factories
from tests.utils.matching import (
    AT,
    SCHEME,
    about,
    candidate,
    certified,
    delivered,
    enroll,
    feed_events,
    feed_pool,
    ids,
    passed,
    revoked,
    subscribe,
    whole_feed,
)
from traintrack.contracts import enrollment as enr
from traintrack.contracts import evaluation as ev
from traintrack.contracts import evaluation_v1 as v1
from traintrack.matching.bootstrap import MIGRATIONS
from traintrack.platform.db.pool import create_pool, migrate

pytestmark = pytest.mark.integration


async def test_a_repeat_participants_second_course_does_not_withdraw_them(service, client, keys):
    app, _ = service
    await subscribe(client, keys["firm"], "a-repeat", "elixir", 4)
    trainee = await candidate(app, stage=4, cohort="repeat-ai", skills=("elixir",))
    await feed_events(app, certified(trainee, "cred-repeat-ai"))
    assert trainee in delivered(await whole_feed(client, keys["firm"]))
    first = ids(trainee)

    # A second course, in another programme: one day in, stage 1, then dropped.
    await enroll(
        app, trainee, stage=1, cohort="repeat-cloud", skills=("terraform",), programme="p-2"
    )
    second = ids(trainee)
    dropped = enr.EnrollmentDropped(
        **second, dropped_on=datetime(2026, 10, 5).date(), reason="other"
    )
    await feed_events(app, dropped)

    entries = await whole_feed(client, keys["firm"])
    assert about(entries, trainee, "candidate-withdrawn") == []
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["firm"])).json()
    assert profile | {"trainee_id": "t", "available_from": None} == {
        "trainee_id": "t",
        "institute_id": "inst-a",
        "stage_reached": 4,
        "certified": True,
        "certifications": [{"programme_id": "p-1", "credential_id": "cred-repeat-ai"}],
        "skills": ["elixir"],
        "field": "AI",
        "fields": ["AI"],
        "region_code": "30",
        "score": 0.0,
        "status": "dropped",  # the latest course
        "available_from": None,
    }

    # A third course certified too, then the first credential revoked: still shown
    # through the other, told as an update naming the revoked credential.
    await enroll(app, trainee, stage=4, cohort="repeat-data", skills=("sql",), programme="p-3")
    await feed_events(app, certified(trainee, "cred-repeat-data", programme="p-3"))
    await feed_events(
        app,
        ev.CertificationRevoked(
            **first,
            credential_id="cred-repeat-ai",
            cause="manual",
            reason="forged attendance",
            revoked_at=AT,
        ),
    )
    entries = await whole_feed(client, keys["firm"])
    assert about(entries, trainee, "candidate-withdrawn") == []
    last = about(entries, trainee, "candidate-updated")[-1]
    assert last["revoked"] == [
        {"credential_id": "cred-repeat-ai", "programme_id": "p-1", "reason": "forged attendance"}
    ]
    assert last["candidate"]["certifications"] == [
        {"programme_id": "p-3", "credential_id": "cred-repeat-data"}
    ]
    assert (last["candidate"]["stage_reached"], last["candidate"]["skills"]) == (4, ["sql"])


async def test_version_1_evaluation_events_apply_to_the_latest_enrollment(service, client, keys):
    app, _ = service
    await subscribe(client, keys["other_firm"], "b-v1", "cobol85", 4)
    trainee = await candidate(app, stage=0, cohort="v1-1", skills=("cobol85",), programme="p-v1")
    at = {"decided_at": AT, **SCHEME}
    await feed_events(
        app,
        *(
            v1.StagePassedV1(
                trainee_id=trainee, stage=s, stage_name=f"s{s}", attempt=1, unlocks=[], **at
            )
            for s in range(1, 5)
        ),
        v1.CertifiedV1(
            trainee_id=trainee,
            credential_id="cred-v1",
            issued_at=AT,
            valid_until=datetime(2029, 9, 1, tzinfo=UTC),
            **SCHEME,
        ),
    )
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["other_firm"])).json()
    assert profile["certifications"] == [{"programme_id": "p-v1", "credential_id": "cred-v1"}]
    await feed_events(
        app,
        v1.CertificationRevokedV1(
            trainee_id=trainee, credential_id="cred-v1", reason="score corrected", revoked_at=AT
        ),
    )
    entries = await whole_feed(client, keys["other_firm"])
    assert [d["reason"] for d in about(entries, trainee, "candidate-withdrawn")] == [
        "certification_revoked"
    ]
    ended = enr.EnrollmentNotCompleted(
        **ids(trainee),
        ended_on=date(2026, 8, 28),
        attendance_rate=0.74,
        decided_on=date(2026, 9, 4),
    )
    await feed_events(app, ended)
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["operator"])).json()
    assert (profile["status"], profile["stage_reached"], profile["certified"]) == (
        "not_completed",
        0,  # the one course's credential was revoked
        False,
    )
    rows = await app.state.pool.fetch(
        "SELECT enrollment_id, passed_stages FROM enrollments WHERE trainee_id = $1", trainee
    )
    assert [(r["enrollment_id"], r["passed_stages"]) for r in rows] == [
        (ids(trainee)["enrollment_id"], [1, 2, 3, 4])
    ]


async def _old_store(database, tmp_path):
    """A store as version 0002 left it: one row per trainee."""
    old = tmp_path / "old"
    old.mkdir()
    for applied in ("0001.matching.sql", "0002.offer-uniqueness-rubric.sql"):
        shutil.copy(MIGRATIONS / applied, old / applied)
    await asyncio.to_thread(migrate, database, old)
    conn = await asyncpg.connect(database)
    try:
        await conn.execute("INSERT INTO firms (firm_id, name, region_code) VALUES ('f', 'F', '30')")
        await conn.execute(
            """INSERT INTO cohorts VALUES ('c-old', 'p-old', 'inst-a', 'AI', '{python}', '30',
                                          '2025-08-29')"""
        )
        await conn.executemany(
            """INSERT INTO candidates (trainee_id, institute_id, region_code, cohort_id, consent,
                   passed_stages, stage_reached, certified, certification_revoked, score,
                   status, rubric)
               VALUES ($1, 'inst-a', '30', $2, true, $3, $4, $5, $6, $7, $8, $9)""",
            [
                (
                    "t-plain",
                    "c-old",
                    [1, 2, 3],
                    3,
                    False,
                    False,
                    75.0,
                    "completed",
                    json.dumps({"institute": 80.0, "firm": 70.0}),
                ),
                ("t-cert", "c-old", [1, 2, 3, 4], 4, True, False, 90.0, "completed", "{}"),
                ("t-revoked", "c-old", [1, 2, 3, 4], 4, True, True, 60.0, "completed", "{}"),
                ("t-registered", None, [], 0, False, False, 0.0, "in_training", "{}"),
            ],
        )
        await conn.execute(
            """INSERT INTO disclosures (firm_id, trainee_id, shown, minimum_stage, reason,
                                        stage_shown, certified_shown)
               VALUES ('f', 't-cert', true, 4, 'subscription', 4, true)"""
        )
    finally:
        await conn.close()


async def test_a_store_of_one_row_per_trainee_migrates_to_one_enrollment_each(platform, tmp_path):
    database = await platform.fresh_database("matching_migration")
    await _old_store(database, tmp_path)
    pool = await create_pool(database, migrations=MIGRATIONS)
    try:
        enrollments = await pool.fetch(
            """SELECT enrollment_id, trainee_id, cohort_id, placeholder, status, passed_stages,
                      score FROM enrollments ORDER BY trainee_id"""
        )
        assert [tuple(r) for r in enrollments] == [
            ("migrated:t-cert", "t-cert", "c-old", True, "completed", [1, 2, 3, 4], 90.0),
            ("migrated:t-plain", "t-plain", "c-old", True, "completed", [1, 2, 3], 75.0),
            ("migrated:t-revoked", "t-revoked", "c-old", True, "completed", [1, 2, 3, 4], 60.0),
        ]
        credentials = await pool.fetch(
            "SELECT credential_id, programme_id, revoked FROM certifications ORDER BY 1"
        )
        assert [tuple(r) for r in credentials] == [
            ("migrated:t-cert", "p-old", False),
            ("migrated:t-revoked", "p-old", True),
        ]
        people = await pool.fetch(
            """SELECT trainee_id, stage_reached, certified, skills, fields, field,
                      available_from FROM candidates ORDER BY trainee_id"""
        )
        assert [tuple(r) for r in people] == [
            ("t-cert", 4, True, ["python"], ["AI"], "AI", date(2025, 8, 29)),
            ("t-plain", 3, False, ["python"], ["AI"], "AI", date(2025, 8, 29)),
            ("t-registered", 0, False, [], [], None, None),
            ("t-revoked", 0, False, ["python"], ["AI"], "AI", date(2025, 8, 29)),
        ]

        # The real enrollment and credential, named by a version-2 event, adopt the rows;
        # the firm shown the certification hears it was revoked, with the reason.
        real = {"trainee_id": "t-cert", "enrollment_id": "en-real", "cohort_id": "c-old"}
        await feed_pool(
            pool,
            ev.CertificationRevoked(
                **real, credential_id="cred-real", cause="manual", reason="forged", revoked_at=AT
            ),
        )
        assert (
            await pool.fetchval(
                "SELECT enrollment_id FROM certifications WHERE credential_id = 'cred-real'"
            )
            == "en-real"
        )
        told = await pool.fetchval(
            "SELECT body FROM feed WHERE firm_id = 'f' AND kind = 'candidate-withdrawn'"
        )
        assert told == {
            "reason": "certification_revoked",
            "revoked": [
                {"credential_id": "cred-real", "programme_id": "p-old", "reason": "forged"}
            ],
        }
        assert await pool.fetchval("SELECT count(*) FROM enrollments") == 3
    finally:
        await pool.close()


async def test_facts_arriving_before_their_enrollment_or_issue_are_kept(service, client, keys):
    app, _ = service
    trainee = factories.trainee_id()
    await feed_events(
        app,
        factories.trainee_registered(trainee_id=trainee, institute_id="inst-a"),
        # A version-1 pass before any enrollment is known (another topic, replayed faster).
        v1.StagePassedV1(
            trainee_id=trainee,
            stage=1,
            stage_name="s1",
            attempt=1,
            unlocks=[],
            decided_at=AT,
            **SCHEME,
        ),
    )
    await enroll(app, trainee, stage=0, cohort="early-1", skills=("lua",))
    rows = await app.state.pool.fetch(
        "SELECT enrollment_id, passed_stages, placeholder FROM enrollments WHERE trainee_id = $1",
        trainee,
    )
    assert [tuple(r) for r in rows] == [(ids(trainee)["enrollment_id"], [1], False)]

    # A revocation before the issue it revokes: the issue arriving later stays revoked.
    await feed_events(
        app,
        *(passed(trainee, s) for s in (2, 3, 4)),
        revoked(trainee, "cred-early", "issued in error"),
        certified(trainee, "cred-early"),
    )
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["operator"])).json()
    assert (profile["stage_reached"], profile["certified"], profile["certifications"]) == (
        0,
        False,
        [],
    )
