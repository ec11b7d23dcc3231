"""An evaluation store of the one-enrollment-per-trainee era migrates: each trainee's one
enrollment becomes an enrollment, its evidence, decisions and credentials name it."""

import asyncio
import shutil
from pathlib import Path

import asyncpg
import httpx
import pytest

from evaluation.bootstrap import MIGRATIONS, create_app
from evaluation.settings import EvaluationSettings
from traintrack_shared.db import migrate

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
