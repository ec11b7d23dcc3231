"""Benchmark: bulk onboarding (register and enroll trainees from CSV) through the real
enrollment API process, beside a baseline measured in the same run: the same trainees
registered and enrolled one request at a time (POST /v1/trainees, POST /v1/enrollments,
16 clients). The target is at least 1,000 trainees/s.

    make bench          (writes test-artifacts/bench-onboarding.json)
    python bench/onboarding.py --bulk 20000 --single 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["TRAINTRACK_TOPIC_PREFIX"] = f"bench{uuid.uuid4().hex[:6]}."

import httpx  # noqa: E402

from tests.utils.keys import write_keyring  # noqa: E402
from tests.utils.platform import Platform, local_platform  # noqa: E402
from tests.utils.processes import ARTIFACTS, ServiceProcesses, free_port  # noqa: E402
from traintrack.platform.messaging.admin import ensure_topics  # noqa: E402
from traintrack.platform.web.auth import Role  # noqa: E402

SEATS = 2000  # a cohort's most; the trainees fill as many cohorts as they need
FILE_ROWS = 5000  # rows per CSV request, as an institute would split a year's intake
HEADER = (
    "ref,name,email,birth_year,region_code,status,consent_share_with_firms,cohort_id,applied_on"
)


def platform() -> Platform:
    """The running Kafka and PostgreSQL named by the environment, else the local ones."""
    kafka, pg = os.environ.get("TRAINTRACK_KAFKA_BOOTSTRAP"), os.environ.get("TRAINTRACK_PG_URL")
    if kafka and pg:
        return Platform(kafka, pg.rstrip("/"), "")
    return local_platform()


async def seed(api: httpx.AsyncClient, operator: str, institute: str, cohorts: int) -> None:
    await api.post(
        "/v1/institutes",
        headers={"X-API-Key": operator},
        json={"institute_id": "inst-bench", "name": "Bench", "region_code": "30"},
    )
    inst = {"X-API-Key": institute}
    made = await api.post(
        "/v1/programmes",
        headers=inst,
        json={
            "programme_id": "bench-prog",
            "name": "Bench",
            "track": "k_digital_credit",
            "field": "AI",
            "hours": 40,
            "capacity": SEATS,
            "project_work_share": 0.1,
        },
    )
    assert made.status_code == 201, made.text
    for n in range(cohorts):
        opened = await api.post(
            "/v1/cohorts",
            headers=inst,
            json={
                "cohort_id": f"bench-{n:03d}",
                "programme_id": "bench-prog",
                "starts_on": "2027-03-02",
                "ends_on": "2027-07-30",
            },
        )
        assert opened.status_code == 201, opened.text


def cohort_of(n: int, first: int) -> str:
    return f"bench-{first + n // SEATS:03d}"


async def single(api: httpx.AsyncClient, institute: str, count: int, first: int) -> float:
    """Trainees/s registered and enrolled one request at a time, 16 clients."""
    inst, slots = {"X-API-Key": institute}, asyncio.Semaphore(16)

    async def one(n: int) -> None:
        async with slots:
            trainee = await api.post(
                "/v1/trainees",
                headers=inst,
                json={
                    "birth_year": 1999,
                    "region_code": "30",
                    "status": "job_seeker",
                    "name": f"단건 {n}",
                    "email": f"single{n}@example.org",
                },
            )
            enrolled = await api.post(
                "/v1/enrollments",
                headers=inst,
                json={
                    "trainee_id": trainee.json()["trainee_id"],
                    "cohort_id": cohort_of(n, first),
                    "applied_on": "2027-02-15",
                },
            )
            assert enrolled.status_code == 201, enrolled.text

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return count / (time.perf_counter() - started)


def csv_files(count: int, first: int) -> list[str]:
    rows = [
        f"b-{n:06d},벌크 {n},bulk{n}@example.org,{1980 + n % 25},30,job_seeker,true,"
        f"{cohort_of(n, first)},2027-02-15"
        for n in range(count)
    ]
    return [
        "\n".join([HEADER, *rows[start : start + FILE_ROWS]])
        for start in range(0, count, FILE_ROWS)
    ]


async def bulk(api: httpx.AsyncClient, institute: str, count: int, first: int) -> float:
    """Trainees/s registered and enrolled through the CSV import, files sent in turn."""
    files = csv_files(count, first)
    headers = {"X-API-Key": institute, "content-type": "text/csv"}
    started = time.perf_counter()
    for content in files:
        response = await api.post("/v1/imports/trainees", content=content, headers=headers)
        report = response.json()
        assert response.status_code == 200 and not report["errors"], response.text[:500]
    return count / (time.perf_counter() - started)


async def main(args: argparse.Namespace) -> int:
    found = platform()
    ensure_topics(found.kafka)
    ARTIFACTS.mkdir(exist_ok=True)
    keyring = ARTIFACTS / "bench-onboarding-keyring.json"
    keys = write_keyring(
        keyring,
        {"operator": (Role.OPERATOR, "platform"), "institute": (Role.INSTITUTE, "inst-bench")},
    )
    port = free_port()
    processes = ServiceProcesses(ARTIFACTS / "bench-logs")
    single_cohorts = -(-args.single // SEATS)
    try:
        processes.start(
            "enrollment-api",
            "traintrack.enrollment",
            "api",
            {
                "ENROLLMENT_DATABASE_URL": await found.fresh_database("bench_onboarding"),
                "ENROLLMENT_KAFKA_BOOTSTRAP": found.kafka_bootstrap,
                "ENROLLMENT_HTTP_PORT": str(port),
                "ENROLLMENT_KEYRING_FILE": str(keyring),
                "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG": "0.01",
            },
        )
        url = f"http://127.0.0.1:{port}"
        processes.wait_ready("enrollment-api", f"{url}/readyz")
        async with httpx.AsyncClient(base_url=url, timeout=300) as api:
            await seed(
                api, keys["operator"], keys["institute"], single_cohorts + -(-args.bulk // SEATS)
            )
            baseline = await single(api, keys["institute"], args.single, 0)
            rate = await bulk(api, keys["institute"], args.bulk, single_cohorts)
    finally:
        processes.stop_all()
    results = {
        "single_requests_per_s": round(baseline),
        "single_trainees": args.single,
        "bulk_per_s": round(rate),
        "bulk_trainees": args.bulk,
        "ratio": round(rate / baseline, 1),
    }
    width = 44
    sys.stdout.write(
        f"{'baseline: one request per trainee (16 clients)':<{width}}"
        f"{results['single_requests_per_s']:>10,}/s  {args.single:,} trainees\n"
        f"{'bulk onboarding from CSV':<{width}}{results['bulk_per_s']:>10,}/s  "
        f"{args.bulk:,} trainees, {results['ratio']}x the baseline; target 1,000/s\n"
    )
    (ARTIFACTS / "bench-onboarding.json").write_text(json.dumps(results, indent=2))
    return 0 if rate >= 1000 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=1_000)
    sys.exit(asyncio.run(main(parser.parse_args())))
