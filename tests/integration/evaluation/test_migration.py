"""An evaluation store of the one-enrollment-per-trainee era migrates: each trainee's one
enrollment becomes an enrollment, its evidence, decisions and credentials name it; a former
course a re-enrolled trainee was certified in becomes an enrollment of its own."""

import asyncio
import shutil
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.utils.evaluation import Enrolled, attendance, evidence, feed
from traintrack.evaluation.bootstrap import MIGRATIONS, create_app
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.platform.db.pool import migrate

pytestmark = pytest.mark.integration

LEGACY = """
INSERT INTO schemes (scheme_id, version, definition, published_by)
    VALUES ('kdt-4-stage', 1, '{}', 'traintrack');
INSERT INTO cohorts VALUES ('c-old', 'p-old', 'inst-a'), ('c-new', 'p-old', 'inst-a');
INSERT INTO trainees VALUES ('tr-1', 'en-1', 'c-old', 'inst-a', 0.9, true, false);
INSERT INTO projects VALUES ('pr-1', 'p-old', 'inst-a', 'firm-a', 'x', '{tr-1}');
INSERT INTO observations (trainee_id, evidence, stage, attempt, value, recorded_by)
    VALUES ('tr-1', 'baseline_test', 1, 1, 72, 'institute:k');
INSERT INTO assessments (trainee_id, project_id, stage, attempt, assessor, side, scores)
    VALUES ('tr-1', 'pr-1', 3, 1, 'firm:k', 'firm', '{"modelling": 80}');
INSERT INTO decisions (trainee_id, stage, status, attempt, attempts_left, scheme_id,
                       scheme_version, rubric_score, missing, shortfalls)
    VALUES ('tr-1', 1, 'passed', 1, 1, 'kdt-4-stage', 1, NULL, '{}', '{}'),
           ('tr-1', 2, 'waiting', 1, 2, 'kdt-4-stage', 1, NULL, '{module_test}', '{}');
INSERT INTO credentials (credential_id, trainee_id, jwt, issued_at, valid_until, revoked_at,
                         revocation_reason)
    VALUES ('cr-1', 'tr-1', 'x.y.z', now(), now() + interval '1 year', now(),
            'basis no longer holds: stage 2 is failed'),
           ('cr-2', 'tr-1', 'x.y.z', now(), now() + interval '1 year', now(), 'plagiarism');
"""


async def test_an_existing_store_keeps_every_fact_under_the_trainees_enrollment(
    platform, keys, tmp_path
):
    database = await platform.fresh_database("evaluation_migration")
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(Path(MIGRATIONS) / "0001.evaluation.sql", first)
    await asyncio.to_thread(migrate, database, first)
    conn = await asyncpg.connect(database)
    try:
        await conn.execute(LEGACY)
    finally:
        await conn.close()

    settings = EvaluationSettings(
        database_url=database,
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        signing_keys_dir=tmp_path / "keys",
        signing_key_file=tmp_path / "key.pem",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        pool = app.state.pool
        enrollment = await pool.fetchrow("SELECT * FROM enrollments")
        assert (enrollment["enrollment_id"], enrollment["ending"]) == ("en-1", "completed")
        assert await pool.fetchval("SELECT enrollment_id FROM observations") == "en-1"
        assert await pool.fetchval("SELECT enrollment_id FROM assessments") == "en-1"
        pins = await pool.fetch(
            "SELECT cohort_id, scheme_id, scheme_version FROM cohorts ORDER BY cohort_id"
        )
        assert [tuple(r) for r in pins] == [
            ("c-new", None, None),  # pinned at its first decision
            ("c-old", "kdt-4-stage", 1),
        ]
        credentials = await pool.fetch(
            "SELECT credential_id, enrollment_id, programme_id, scheme_version, "
            "revocation_cause FROM credentials ORDER BY credential_id"
        )
        assert [tuple(r) for r in credentials] == [
            ("cr-1", "en-1", "p-old", 1, "basis_withdrawn"),
            ("cr-2", "en-1", "p-old", 1, "manual"),
        ]
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://evaluation"
        ) as client:
            response = await client.get("/v1/trainees/tr-1/stages", headers=keys["institute"])
        [stages] = response.json()
        assert [(d["stage"], d["status"], d["trigger"]) for d in stages["history"]] == [
            (1, "passed", "migrated"),
            (2, "waiting", "migrated"),
        ]
        assert stages["current"][1]["missing"] == ["module_test"]


# tr-2 completed a course of p-data (c-data), was certified, then enrolled in c-ai-2: the
# old row says c-ai-2, not completed, with the p-data course's evidence and credential.
# tr-3 likewise from p-ai into c-data, but p-ai has two other cohorts: which one is unknown.
# tr-4 is in a running course with a credential revoked before: nothing moved on.
MOVED_ON = """
INSERT INTO cohorts VALUES ('c-ai-1', 'p-ai', 'inst-a'), ('c-ai-2', 'p-ai', 'inst-a'),
                           ('c-data', 'p-data', 'inst-b');
INSERT INTO trainees VALUES ('tr-2', 'en-2b', 'c-ai-2', 'inst-a', 0.88, false, false),
                            ('tr-3', 'en-3b', 'c-data', 'inst-b', 0.9, false, false),
                            ('tr-4', 'en-4', 'c-ai-1', 'inst-a', 0.7, false, false);
INSERT INTO projects VALUES ('pr-d', 'p-data', 'inst-b', 'firm-a', 'x', '{tr-2}'),
                            ('pr-a', 'p-ai', 'inst-a', 'firm-a', 'y', '{tr-3}');
INSERT INTO observations (trainee_id, evidence, stage, attempt, value, recorded_by)
    VALUES ('tr-2', 'baseline_test', 1, 1, 72, 'institute:k'),
           ('tr-4', 'baseline_test', 1, 1, 65, 'institute:k');
INSERT INTO assessments (trainee_id, project_id, stage, attempt, assessor, side, scores)
    VALUES ('tr-2', 'pr-d', 3, 1, 'firm:k', 'firm', '{"modelling": 80}'),
           ('tr-3', 'pr-a', 3, 1, 'firm:k', 'firm', '{"modelling": 85}');
INSERT INTO decisions (trainee_id, stage, status, attempt, attempts_left, scheme_id,
                       scheme_version, rubric_score, missing, shortfalls)
    SELECT t, s, 'passed', 1, 1, 'kdt-4-stage', 1, NULL, '{}', '{}'
    FROM unnest(ARRAY['tr-2', 'tr-3']) t, generate_series(1, 4) s;
INSERT INTO credentials (credential_id, trainee_id, jwt, issued_at, valid_until, revoked_at,
                         revocation_reason)
    VALUES ('cr-2', 'tr-2', 'x.y.z', now(), now() + interval '1 year', NULL, NULL),
           ('cr-3', 'tr-3', 'x.y.z', now(), now() + interval '1 year', NULL, NULL),
           ('cr-4', 'tr-4', 'x.y.z', now(), now() + interval '1 year', now(), 'plagiarism');
"""


async def test_a_trainee_who_had_enrolled_again_keeps_the_former_course_apart(
    platform, keys, tmp_path
):
    database = await platform.fresh_database("evaluation_migration")
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(Path(MIGRATIONS) / "0001.evaluation.sql", first)
    await asyncio.to_thread(migrate, database, first)
    conn = await asyncpg.connect(database)
    try:
        await conn.execute(MOVED_ON)
    finally:
        await conn.close()

    settings = EvaluationSettings(
        database_url=database,
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        signing_keys_dir=tmp_path / "keys",
        signing_key_file=tmp_path / "key.pem",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        pool = app.state.pool
        enrollments = await pool.fetch(
            "SELECT enrollment_id, trainee_id, cohort_id, institute_id, attendance_rate, ending "
            "FROM enrollments ORDER BY seq"
        )
        assert [tuple(r) for r in enrollments] == [
            ("migrated-tr-2", "tr-2", "c-data", "inst-b", 0.88, "completed"),
            ("migrated-tr-3", "tr-3", "unknown", "inst-a", 0.9, "completed"),
            ("en-2b", "tr-2", "c-ai-2", "inst-a", None, None),
            ("en-3b", "tr-3", "c-data", "inst-b", None, None),
            ("en-4", "tr-4", "c-ai-1", "inst-a", 0.7, None),
        ]
        observations = await pool.fetch(
            "SELECT trainee_id, enrollment_id FROM observations ORDER BY seq"
        )
        assert [tuple(r) for r in observations] == [
            ("tr-2", "migrated-tr-2"),
            ("tr-4", "en-4"),
        ]
        assessments = await pool.fetch("SELECT enrollment_id FROM assessments ORDER BY seq")
        assert [r["enrollment_id"] for r in assessments] == ["migrated-tr-2", "migrated-tr-3"]
        decided = await pool.fetch(
            "SELECT enrollment_id, count(*) FROM stage_decisions GROUP BY 1 ORDER BY 1"
        )
        assert [tuple(r) for r in decided] == [("migrated-tr-2", 4), ("migrated-tr-3", 4)]
        credentials = await pool.fetch(
            "SELECT credential_id, enrollment_id, programme_id, revocation_cause "
            "FROM credentials ORDER BY credential_id"
        )
        assert [tuple(r) for r in credentials] == [
            ("cr-2", "migrated-tr-2", "p-data", None),
            ("cr-3", "migrated-tr-3", "p-ai", None),
            ("cr-4", "en-4", "p-ai", "manual"),
        ]
        pins = await pool.fetch("SELECT cohort_id, scheme_version FROM cohorts ORDER BY 1")
        assert [tuple(r) for r in pins] == [
            ("c-ai-1", None),  # tr-4's one decision-less course: pinned at its first decision
            ("c-ai-2", None),  # not pinned by tr-2's former course
            ("c-data", 1),  # tr-2's former course
        ]
        # The new course's first facts decide it alone: the former credential stays.
        await feed(app, attendance(Enrolled("tr-2", "en-2b", "c-ai-2"), 0.0))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://evaluation"
        ) as client:
            who = Enrolled("tr-2", "en-2b", "c-ai-2")
            assert (await evidence(client, keys, who, "baseline_test", 1, 90))[1] == "failed"
            status = await client.get("/v1/credentials/cr-2/status")
            assert status.json()["revoked"] is False
            former = await client.get(
                "/v1/enrollments/migrated-tr-2/stages", headers=keys["operator"]
            )
        assert [d["status"] for d in former.json()["current"]] == ["passed"] * 4
        assert (
            await pool.fetchval(
                "SELECT count(*) FROM outbox WHERE event_type LIKE '%certification-revoked%'"
            )
            == 0
        )
