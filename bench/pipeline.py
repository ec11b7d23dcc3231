"""Benchmarks through the real parts, each beside a baseline measured in the same run:

- raw Kafka produce and consume with the platform's own producer settings (the ceiling);
- the raw pipeline (`bench/raw_pipeline.py`): one process consuming the same signed
  attendance submissions with the same client into the same rows of PostgreSQL, in
  batches, idempotently, as durably: the baseline every pipeline figure is a ratio of;
- attendance submissions sustained end to end (institute topic -> enrollment worker ->
  enrollment store, and on through the relay to every reader of enrollment's topics),
  counted exactly once, with the CPU seconds each part spent, at 1x, 2x and 4x the events
  (time, CPU and memory growth);
- submission-to-store latency p50 / p99 at a fixed offered load of 1,000 events/s;
- the outcomes projection rebuilt from the topics (events/s), as a ratio to raw consume;
- HTTP throughput and p99 of a read and a write endpoint of enrollment, matching, outcomes.

Everything runs under its own topic prefix and fresh databases, so nothing of an earlier
run counts.    make bench   (writes test-artifacts/bench-pipeline.json)
`--trace-all` keeps every trace (default: 1 in 100, as production would at this rate);
`--attendance-only` stops after the attendance figures; `--http-only` measures the HTTP
endpoints alone (after seeding the trainees they need; no attendance scales, latency or
replay); `--profile` samples every service process with py-spy during one more 1x run, or
with `--http-only`, every API process during one more HTTP suite (test-artifacts/profile/:
collapsed stacks and the heaviest frames in summary.txt).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["TRAINTRACK_TOPIC_PREFIX"] = f"bench{uuid.uuid4().hex[:6]}."

import asyncpg  # noqa: E402
import holidays  # noqa: E402
import httpx  # noqa: E402
from aiokafka import AIOKafkaConsumer, TopicPartition  # noqa: E402
from kafka import KafkaConsumer  # noqa: E402
from kafka import TopicPartition as KTP  # noqa: E402
from kafka.admin import KafkaAdminClient  # noqa: E402

from bench import profiling as profiler  # noqa: E402
from tests.utils.keys import master_file, signing_secret_of, write_keyring  # noqa: E402
from tests.utils.platform import Platform, eventually, local_platform  # noqa: E402
from tests.utils.processes import ARTIFACTS, ServiceProcesses, free_port  # noqa: E402
from traintrack.contracts.submissions import RecordAttendance  # noqa: E402
from traintrack.contracts.topics import (  # noqa: E402
    ALL_TOPICS,
    INSTITUTE_SUBMISSIONS,
    replication,
)
from traintrack.institute.sdk import signed_record  # noqa: E402
from traintrack.platform.messaging.admin import ensure_topics  # noqa: E402
from traintrack.platform.messaging.connection import KafkaConnection  # noqa: E402
from traintrack.platform.messaging.outbox import new_producer  # noqa: E402
from traintrack.platform.messaging.partitioners import java  # noqa: E402
from traintrack.platform.web.auth import Role  # noqa: E402

# Enrollment's topics, whose readers the pipeline runs through.
ENROLLMENT_TOPICS = tuple(t for t in ALL_TOPICS if t.writer == "enrollment")

# The national morning check-in, scaled: many trainees, each recording one day at a time,
# day after day, in cohorts of about six months.
TRAINEES, DAYS_1X, PACED_DAYS = 2_000, 10, 10
# The pipeline runs at 1x, 2x and 4x the events (DAYS_1X days of every trainee each).
SCALES = (1, 2, 4)
PROFILE = "--profile" in sys.argv  # then one more 1x run, under py-spy
HTTP_ONLY = "--http-only" in sys.argv  # the HTTP suite alone
# Traces as production at this rate would keep them: 1 in 100 new traces, and every
# trace a sampled caller started (the OpenTelemetry SDK's standard variables).
# `--trace-all` measures with every message traced, as development runs.
SAMPLING = (
    {}
    if "--trace-all" in sys.argv
    else {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"}
)
STARTS = date(2026, 1, 5)
RAW = 100_000


# ------------------------------------------------------------------ raw Kafka


def _create_topic(bootstrap: str, name: str) -> None:
    """A topic like the submissions topic (its partitions, replication and settings)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        like = INSTITUTE_SUBMISSIONS
        spec = {"num_partitions": like.partitions, "replication_factor": replication().factor}
        admin.create_topics({name: {**spec, "configs": like.configs()}})  # type: ignore[arg-type]
    finally:
        admin.close()


async def raw_kafka(bootstrap: str) -> dict[str, float]:
    topic = INSTITUTE_SUBMISSIONS.name.replace("institute.submissions", "raw")
    await asyncio.to_thread(_create_topic, bootstrap, topic)
    value = json.dumps(
        {
            "trainee_id": "tr-x" * 4,
            "enrollment_id": "en-y" * 4,
            "day": "2026-03-02",
            "status": "present",
            "check_in": "09:00",
        }
    ).encode()
    producer = new_producer(KafkaConnection.plaintext(bootstrap))
    await producer.start()
    started = time.perf_counter()
    futures = [await producer.send(topic, value, key=f"k{n % 997}".encode()) for n in range(RAW)]
    await asyncio.gather(*futures)
    produce = RAW / (time.perf_counter() - started)
    await producer.stop()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    tps = [TopicPartition(topic, p) for p in range(6)]
    consumer.assign(tps)
    await consumer.seek_to_beginning(*tps)
    started, seen = time.perf_counter(), 0
    while seen < RAW:
        for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
            seen += len(records)
    consume = RAW / (time.perf_counter() - started)
    await consumer.stop()
    return {"produce_per_s": round(produce), "consume_per_s": round(consume)}


# ------------------------------------------------------------------ the platform


async def seed(url: str, operator: str, institute: str) -> list[tuple[str, str]]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as api:
        op, inst = {"X-API-Key": operator}, {"X-API-Key": institute}
        await api.post(
            "/v1/institutes",
            headers=op,
            json={"institute_id": "inst-bench", "name": "Bench", "region_code": "30"},
        )
        made = await api.post(
            "/v1/programmes",
            headers=inst,
            json={
                "programme_id": "bench-prog",
                "name": "Bench",
                "track": "k_digital_credit",
                "field": "AI",
                "hours": 40,
                "capacity": 2000,
                "project_work_share": 0.1,
            },
        )
        assert made.status_code == 201, made.text
        opened = await api.post(
            "/v1/cohorts",
            headers=inst,
            json={
                "cohort_id": "bench-cohort",
                "programme_id": "bench-prog",
                "starts_on": STARTS.isoformat(),
                "ends_on": "2026-07-03",
            },
        )
        assert opened.status_code == 201, opened.text
        slots = asyncio.Semaphore(16)

        async def one() -> tuple[str, str]:
            async with slots:
                trainee = (
                    await api.post(
                        "/v1/trainees",
                        headers=inst,
                        json={
                            "birth_year": 1999,
                            "region_code": "30",
                            "status": "job_seeker",
                            "name": "B",
                        },
                    )
                ).json()
                enrolled = (
                    await api.post(
                        "/v1/enrollments",
                        headers=inst,
                        json={
                            "trainee_id": trainee["trainee_id"],
                            "cohort_id": "bench-cohort",
                            "applied_on": "2025-12-20",
                        },
                    )
                ).json()
                assert "enrollment_id" in enrolled, enrolled
                return trainee["trainee_id"], enrolled["enrollment_id"]

        return list(await asyncio.gather(*(one() for _ in range(TRAINEES))))


def weekdays(first: date, count: int) -> list[date]:
    """`count` training days from `first`: weekdays that are not Korean public holidays
    (enrollment refuses attendance on those)."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5 and day not in holidays.country_holidays("KR", years=day.year):
            days.append(day)
        day += timedelta(days=1)
    return days


def signed_records(secret: str, pairs: list[tuple[str, str]], days: list[date]) -> list[Any]:
    records = []
    for day in days:
        for trainee, enrollment in pairs:
            submission = RecordAttendance.model_validate(
                {
                    "trainee_id": trainee,
                    "enrollment_id": enrollment,
                    "day": day,
                    "status": "present",
                    "check_in": "09:00",
                }
            )
            record = signed_record(submission, secret)
            records.append(((enrollment, day), record.key, record.value, record.headers))
    return records


async def stored(db: str) -> int:
    conn = await asyncpg.connect(db)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM attendance"))
    finally:
        await conn.close()


async def all_stored(db: str, records: list[Any]) -> None:
    """Until enrollment stored every record: asked every 0.2 s on one connection, as
    whether the last record sent to each partition is stored (the worker applies a
    partition in order, so then all are). A count of the table each time, on a new
    connection each, was PostgreSQL CPU charged to the pipeline that grew with the table
    (a tenth of PostgreSQL's statement time at 4x)."""
    partitions = INSTITUTE_SUBMISSIONS.partitions
    last = {java(key, partitions): ident for ident, key, _, _ in records}
    conn = await asyncpg.connect(db)

    async def done() -> bool:
        found = await conn.fetchval(
            """SELECT count(*) FROM attendance
               WHERE (enrollment_id, day) IN (SELECT * FROM unnest($1::text[], $2::date[]))""",
            [e for e, _ in last.values()],
            [d for _, d in last.values()],
        )
        return bool(found == len(last))

    try:
        await eventually(done, timeout=900)
    finally:
        await conn.close()


def _caught_up(bootstrap: str, group: str, topic: str) -> bool:
    """The group has committed every record of `topic` there is now."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        # types-kafka-python leaves list_group_offsets unannotated
        committed = admin.list_group_offsets([group]).get(group) or {}  # type: ignore[no-untyped-call]
        ends = consumer.end_offsets(
            [KTP(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        )
        return all(
            (committed.get(tp) is not None and committed[tp].offset >= end) or end == 0
            for tp, end in ends.items()
        )
    finally:
        consumer.close()
        admin.close()


def _readers_caught_up(bootstrap: str, groups: dict[str, str]) -> bool:
    """Every reader of enrollment's topics has committed every record there is now."""
    return all(
        _caught_up(bootstrap, groups[reader], topic.name)
        for topic in ENROLLMENT_TOPICS
        for reader in topic.readers
        if reader in groups
    )


INFRA_PARTS = {"postgres": "postgres", "kafka": "kafka broker", "zipkin": "zipkin"}


def cpu_seconds(named: dict[str, int]) -> dict[str, float]:
    """CPU time used so far by each component: our processes by pid, PostgreSQL, Kafka and
    Zipkin by command line (every PostgreSQL backend counts)."""
    ticks = os.sysconf("SC_CLK_TCK")
    by_pid = {pid: name for name, pid in named.items()}
    found: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = by_pid.get(int(entry.name)) or next(
            (label for part, label in INFRA_PARTS.items() if part in cmd[:200]), None
        )
        if name is not None:
            used = (int(stat[11]) + int(stat[12])) / ticks  # utime + stime
            found[name] = found.get(name, 0.0) + used
    return found


async def produce(bootstrap: str, topic: str, records: list[Any]) -> float:
    """Sends every record as an institute's SDK would; the seconds it took."""
    producer = new_producer(KafkaConnection.plaintext(bootstrap))
    await producer.start()
    started = time.perf_counter()
    for _, key, value, headers in records:
        await producer.send(topic, value, key=key, headers=headers)
    await producer.flush()
    await producer.stop()
    return time.perf_counter() - started


async def sustained(
    bootstrap: str, db: str, records: list[Any], groups: dict[str, str], before: int
) -> dict[str, float]:
    started = time.perf_counter()
    sent = await produce(bootstrap, INSTITUTE_SUBMISSIONS.name, records)
    await all_stored(db, records)
    elapsed = time.perf_counter() - started
    count = await stored(db) - before
    # Then each event enrollment wrote, through the relay to every reader of its topics.
    await eventually(lambda: asyncio.to_thread(_readers_caught_up, bootstrap, groups), timeout=900)
    through = time.perf_counter() - started
    return {
        "events": len(records),
        "stored": count,
        "send_s": round(sent, 1),
        "end_to_end_per_s": round(len(records) / elapsed),
        "through_readers_per_s": round(len(records) / through),
        "wall_s": round(through, 1),
    }


async def raw_pipeline(bootstrap: str, db: str, records: list[Any], run: str) -> dict[str, Any]:
    """The baseline (see bench/raw_pipeline.py) on its own topic and database: the same
    records sent the same way, timed from the first send to the last row stored."""
    topic = INSTITUTE_SUBMISSIONS.name.replace("institute.submissions", f"raw-pipeline-{run}")
    await asyncio.to_thread(_create_topic, bootstrap, topic)
    command = [sys.executable, str(ROOT / "bench" / "raw_pipeline.py"), bootstrap, topic, db]
    process = await asyncio.create_subprocess_exec(
        *command, str(len(records)), stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    assert json.loads(await process.stdout.readline()) == {"ready": True}
    before = cpu_seconds({"raw pipeline": process.pid})
    started = time.perf_counter()
    await produce(bootstrap, topic, records)
    done = json.loads(await asyncio.wait_for(process.stdout.readline(), timeout=900))
    elapsed = time.perf_counter() - started
    after = cpu_seconds({"raw pipeline": process.pid})
    await process.wait()
    return {
        "events": len(records),
        "stored": done["stored"],
        "per_s": round(len(records) / elapsed),
        "wall_s": round(elapsed, 1),
        "cpu_s": {k: round(after[k] - before.get(k, 0.0), 1) for k in after},
    }


def synthetic_pairs(count: int) -> list[tuple[str, str]]:
    """Trainee and enrollment ids shaped like the platform's, for the raw pipeline (which
    checks no enrollment)."""
    return [(f"tr-{uuid.uuid4().hex[:12]}", f"en-{uuid.uuid4().hex[:12]}") for _ in range(count)]


def memory_mb(pids: dict[str, int]) -> dict[str, dict[str, float]]:
    """Resident and peak resident memory of each process, in MB."""
    found = {}
    for name, pid in pids.items():
        fields = dict(
            line.split(":", 1)
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if ":" in line
        )
        found[name] = {
            "rss": round(int(fields["VmRSS"].split()[0]) / 1024),
            "peak": round(int(fields["VmHWM"].split()[0]) / 1024),
        }
    return found


async def paced(bootstrap: str, db: str, records: list[Any], rate: int) -> dict[str, float]:
    producer = new_producer(KafkaConnection.plaintext(bootstrap), linger_ms=0)
    await producer.start()
    sent_at: dict[Any, float] = {}
    started = time.time()
    for n, (ident, key, value, headers) in enumerate(records):
        delay = started + n / rate - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        sent_at[ident] = time.time()
        await producer.send(INSTITUTE_SUBMISSIONS.name, value, key=key, headers=headers)
    await producer.flush()
    await producer.stop()
    await all_stored(db, records)
    conn = await asyncpg.connect(db)
    rows = await conn.fetch(
        "SELECT enrollment_id, day, extract(epoch FROM recorded_at) AS at "
        "FROM attendance WHERE day >= $1",
        records[0][0][1],
    )
    await conn.close()
    latencies = sorted(
        (float(r["at"]) - sent_at[(r["enrollment_id"], r["day"])]) * 1000
        for r in rows
        if (r["enrollment_id"], r["day"]) in sent_at
    )
    return {
        "offered_per_s": rate,
        "events": len(latencies),
        "p50_ms": round(statistics.median(latencies)),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1]),
    }


async def http_load(
    url: str,
    key: str,
    method: str,
    path: str,
    body: Any = None,
    seconds: float = 5,
    clients: int = 8,
) -> dict[str, float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, timeout=30) as api:
            while time.perf_counter() < deadline:
                payload = body(next(counter)) if callable(body) else body
                t0 = time.perf_counter()
                response = await api.request(method, path, json=payload)
                latencies.append(time.perf_counter() - t0)
                assert response.status_code < 400, response.text

    await asyncio.gather(*(worker() for _ in range(clients)))
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_s": round(len(latencies) / seconds),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }


async def http_suite(
    urls: dict[str, str],
    keys: dict[str, str],
    pairs: list[tuple[str, str]],
    days: list[date],
    services: dict[str, int],
) -> dict[str, Any]:
    """A read and a write endpoint per service, 8 clients for 5 s each; beside /healthz of
    the same service, the framework's own floor. Each call's CPU per request is summed over
    every part (`services` by pid, this client, PostgreSQL, Kafka and Zipkin): on a
    machine of N cores no call runs faster than N seconds of CPU per that much."""
    trainee = pairs[0][0]

    def attendance(n: int) -> dict[str, Any]:
        t, e = pairs[n % len(pairs)]
        return {
            "trainee_id": t,
            "enrollment_id": e,
            "day": days[n // len(pairs)].isoformat(),
            "status": "present",
            "check_in": "09:00",
        }

    run = uuid.uuid4().hex[:4]  # a firm id is registered once: each suite has its own

    def firm(n: int) -> dict[str, Any]:
        return {"firm_id": f"firm-b{run}-{n}", "name": "Bench", "region_code": "30"}

    def report(n: int) -> dict[str, Any]:
        return {
            "trainee_id": pairs[n % len(pairs)][0],
            "kind": "employed",
            "starts_on": "2026-06-01",
            "employer": "B",
            "insured": True,
        }

    plan = {
        "enrollment": [
            ("GET", f"/v1/trainees/{trainee}", keys["institute"], None),
            ("POST", "/v1/attendance", keys["institute"], attendance),
        ],
        "matching": [
            ("GET", "/v1/firms", keys["operator"], None),
            ("POST", "/v1/firms", keys["operator"], firm),
        ],
        "outcomes": [
            ("GET", f"/v1/trainees/{trainee}", keys["operator"], None),
            ("POST", "/v1/outcome-reports", keys["institute"], report),
        ],
    }

    pids = {**services, "bench client": os.getpid()}

    async def measured(url: str, key: str, method: str, path: str, body: Any = None):
        before = cpu_seconds(pids)
        load = await http_load(url, key, method, path, body)
        after = cpu_seconds(pids)
        used = {k: (after[k] - before.get(k, 0.0)) * 1000 / load["requests"] for k in after}
        load["cpu_ms"] = {k: round(v, 2) for k, v in used.items() if v >= 0.05}
        return load

    found: dict[str, Any] = {}
    for service, calls in plan.items():
        found[service] = {
            "baseline GET /healthz": await measured(urls[service], "", "GET", "/healthz")
        }
        for method, path, key, body in calls:
            found[service][f"{method} {path.split('/tr-')[0]}"] = await measured(
                urls[service], key, method, path, body
            )
    return found


async def http_only(
    urls: dict[str, str],
    keys: dict[str, str],
    pairs: list[tuple[str, str]],
    days: list[date],
    services: dict[str, int],
) -> dict[str, Any]:
    """The HTTP suite on its own; with `--profile`, once more with every API process
    sampled (its figures are not kept: sampling slows what it watches)."""
    # Each suite records new days (a day recorded again is no news, and cheaper): a
    # suite's 8 clients take the trainees' first day, then their second...
    fresh = weekdays(days[-1] + timedelta(1), 20)
    found = await http_suite(urls, keys, pairs, fresh[:10], services)
    if PROFILE:
        apis = {name: pid for name, pid in services.items() if name.endswith("-api")}
        recordings = profiler.start(apis, ARTIFACTS / "profile")
        await http_suite(urls, keys, pairs, fresh[10:], services)
        profiler.stop(recordings)
        found["profile"] = profiler.summary(recordings)
    return found


SERVICES = ("enrollment", "evaluation", "matching", "outcomes")


def service_env(
    service: str, dbs: dict[str, str], ports: dict[str, int], **common: str
) -> dict[str, str]:
    prefix = service.upper()
    return {
        **SAMPLING,
        **common,
        f"{prefix}_DATABASE_URL": dbs[service],
        f"{prefix}_HTTP_PORT": str(ports[service]),
        f"{prefix}_STATE_DIR": str(ARTIFACTS / "bench-state" / uuid.uuid4().hex[:6]),
    }


async def baselines(platform: Platform, secret: str, days: list[date]) -> dict[str, Any]:
    """The raw pipeline at each scale, before any service runs (so that PostgreSQL's and
    Kafka's CPU is the baseline's alone)."""
    pairs = synthetic_pairs(TRAINEES)
    found = {}
    for scale, chunk in scaled(days):
        records = signed_records(secret, pairs, chunk)
        db = await platform.fresh_database(f"bench_raw_{scale}x")
        found[f"{scale}x"] = await raw_pipeline(platform.kafka_bootstrap, db, records, f"{scale}x")
    return found


def scaled(days: list[date]) -> list[tuple[int, list[date]]]:
    """The days of each scale's run: DAYS_1X, then twice, then four times as many."""
    runs, first = [], 0
    for scale in SCALES:
        runs.append((scale, days[first : first + DAYS_1X * scale]))
        first += DAYS_1X * scale
    return runs


async def main() -> int:
    platform = local_platform()  # the running one the environment names, if it does
    bootstrap = platform.kafka_bootstrap
    ensure_topics(platform.kafka)
    results: dict[str, Any] = {} if HTTP_ONLY else {"raw_kafka": await raw_kafka(bootstrap)}
    keyring = Path(ARTIFACTS / "bench-keyring.json")
    ARTIFACTS.mkdir(exist_ok=True)
    keys = write_keyring(
        keyring,
        {
            "operator": (Role.OPERATOR, "platform"),
            "institute": (Role.INSTITUTE, "inst-bench"),
            "firm": (Role.FIRM, "firm-bench"),
        },
    )
    secret = signing_secret_of(keys["institute"])
    days = weekdays(STARTS, DAYS_1X * (sum(SCALES) + PROFILE) + PACED_DAYS)
    if not HTTP_ONLY:
        results["raw_pipeline"] = await baselines(platform, secret, days)
    dbs = {s: await platform.fresh_database(f"bench_{s}") for s in SERVICES}
    ports = {s: free_port() for s in dbs}
    groups = {s: f"{s}-bench-{uuid.uuid4().hex[:6]}" for s in dbs}
    signing = ARTIFACTS / "bench-signing" / uuid.uuid4().hex[:6]
    signing.mkdir(parents=True)
    common = {
        "TRAINTRACK_KAFKA_BOOTSTRAP": bootstrap,
        **{f"{s.upper()}_KAFKA_BOOTSTRAP": bootstrap for s in dbs},
        **{f"{s.upper()}_KEYRING_FILE": str(keyring) for s in dbs},
        **{f"{s.upper()}_CONSUMER_NAME": g for s, g in groups.items()},
        "ENROLLMENT_SUBMISSION_SIGNING_MASTER_FILE": str(master_file(keyring)),
        "EVALUATION_SIGNING_KEYS_DIR": str(signing / "keys"),
        "EVALUATION_SIGNING_KEY_FILE": str(signing / "no-legacy-key.pem"),
    }
    processes = ServiceProcesses(ARTIFACTS / "bench-logs")
    try:
        for service in SERVICES:
            env = service_env(service, dbs, ports, **common)
            processes.start(f"{service}-api", f"traintrack.{service}", "api", env)
            processes.start(f"{service}-worker", f"traintrack.{service}", "worker", env)
        urls = {s: f"http://127.0.0.1:{p}" for s, p in ports.items()}
        for service, url in urls.items():
            processes.wait_ready(f"{service}-api", f"{url}/readyz")
        pairs = await seed(urls["enrollment"], keys["operator"], keys["institute"])
        services = {name: proc.pid for name, proc in processes.procs.items()}
        if HTTP_ONLY:
            results["http"] = await http_only(urls, keys, pairs, days, services)
            report(results)
            return 0
        pids = {**services, "bench (producer, pollers)": os.getpid()}
        results["attendance"], before = {}, 0
        for scale, chunk in scaled(days):
            records = signed_records(secret, pairs, chunk)
            cpu_before = cpu_seconds(pids)
            run = await sustained(bootstrap, dbs["enrollment"], records, groups, before)
            cpu_after = cpu_seconds(pids)
            run["cpu_s"] = {
                k: round(cpu_after[k] - cpu_before.get(k, 0.0), 1)
                for k in sorted(cpu_after, key=lambda k: cpu_after[k])
            }
            run["memory_mb"] = memory_mb(services)
            results["attendance"][f"{scale}x"] = run
            before += len(records)
        if PROFILE:  # a run of its own: sampling slows what it watches
            chunk = days[DAYS_1X * sum(SCALES) : DAYS_1X * (sum(SCALES) + 1)]
            recordings = profiler.start(services, ARTIFACTS / "profile")
            records = signed_records(secret, pairs, chunk)
            await sustained(bootstrap, dbs["enrollment"], records, groups, before)
            profiler.stop(recordings)
            results["profile"] = profiler.summary(recordings)
            before += len(records)
        steady = signed_records(secret, pairs, days[-PACED_DAYS:])
        results["latency"] = await paced(bootstrap, dbs["enrollment"], steady, 1000)
        if "--attendance-only" in sys.argv:  # while profiling the pipeline
            report(results)
            return 0
        results["http"] = await http_suite(
            urls, keys, pairs, weekdays(days[-1] + timedelta(1), 400), services
        )
    finally:
        processes.stop_all()
    # Replay: the outcomes store rebuilt from the bench topics.
    from traintrack.outcomes.entrypoints.replay import replay
    from traintrack.outcomes.settings import OutcomesSettings

    done = await replay(
        OutcomesSettings(kafka_bootstrap=bootstrap, database_url=dbs["outcomes"]),
        await platform.fresh_database("bench_replay"),
    )
    results["replay"] = {
        "events": done.events,
        "per_s": round(done.rate),
        "reading_per_s": round(done.reading_rate),
    }
    report(results)
    return 0


def _cpu_ms(run: dict[str, Any]) -> float:
    return sum(run["cpu_s"].values()) / run["events"] * 1000


def _top(cpu: dict[str, float], count: int = 6) -> str:
    return ", ".join(f"{k} {v:.0f}s" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1])[:count])


def pipeline_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    raw, baseline = r["raw_kafka"], r["raw_pipeline"]
    rows = [
        ("raw Kafka produce (platform producer)", f"{raw['produce_per_s']:,}/s", "ceiling"),
        ("raw Kafka consume", f"{raw['consume_per_s']:,}/s", "ceiling"),
    ]
    first = r["attendance"][f"{SCALES[0]}x"]
    for scale in SCALES:
        key = f"{scale}x"
        base, run = baseline[key], r["attendance"][key]
        rows += [
            (
                f"[{key} {run['events']:,}] raw pipeline (baseline)",
                f"{base['per_s']:,}/s",
                f"{base['stored']}/{base['events']} stored; "
                f"{_cpu_ms(base):.3f} ms CPU/event ({_top(base['cpu_s'], 3)}); "
                f"{base['wall_s']} s",
            ),
            (
                f"[{key}] attendance end to end into enrollment",
                f"{run['end_to_end_per_s']:,}/s",
                f"{run['end_to_end_per_s'] / base['per_s']:.2f} of the raw pipeline; "
                f"{run['stored']}/{run['events']} stored once",
            ),
            (
                f"[{key}] ... and through every reader",
                f"{run['through_readers_per_s']:,}/s",
                f"{run['through_readers_per_s'] / base['per_s']:.2f} of the raw pipeline; "
                f"{run['wall_s']} s ({run['wall_s'] / first['wall_s']:.2f}x the 1x time)",
            ),
            (
                f"[{key}] CPU per attendance event, all parts",
                f"{_cpu_ms(run):.3f} ms",
                f"{_cpu_ms(run) / _cpu_ms(base):.1f}x the raw pipeline's; {_top(run['cpu_s'])}",
            ),
            (
                f"[{key}] memory after the run (RSS / peak MB)",
                f"{sum(m['rss'] for m in run['memory_mb'].values()):,} MB",
                ", ".join(f"{k} {m['rss']}/{m['peak']}" for k, m in run["memory_mb"].items()),
            ),
        ]
    lat = r["latency"]
    rows.append(
        (
            "latency at 1,000/s offered, p50 / p99",
            f"{lat['p50_ms']} / {lat['p99_ms']} ms",
            f"{lat['events']} events",
        )
    )
    if "replay" in r:
        rep = r["replay"]
        rows.append(
            (
                "outcomes replay from the topics, from the first batch read",
                f"{rep['reading_per_s']:,}/s",
                f"{rep['reading_per_s'] / raw['consume_per_s']:.2f} of consume; "
                f"{rep['events']} events; {rep['per_s']:,}/s with the consumer's start",
            )
        )
    return rows


def http_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    for service, calls in r.get("http", {}).items():
        floor = calls["baseline GET /healthz"]["per_s"]
        for call, m in calls.items():
            cpu = m.get("cpu_ms", {})
            parts = ", ".join(f"{k} {v:.2f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]))
            rows.append(
                (
                    f"{service} {call}",
                    f"{m['per_s']:,}/s p99 {m['p99_ms']} ms",
                    f"{m['per_s'] / floor:.2f} of /healthz; CPU per request "
                    f"{sum(cpu.values()):.2f} ms ({parts})",
                )
            )
    return rows


def report(r: dict[str, Any]) -> None:
    if "profile" in r.get("http", {}):
        r["profile"] = r["http"].pop("profile")
    rows = (pipeline_rows(r) if "raw_kafka" in r else []) + http_rows(r)
    width = max(len(n) for n, _, _ in rows)
    for name, value, note in rows:
        sys.stdout.write(f"{name:<{width}}  {value:>16}  {note}\n")
    for process, lines in r.get("profile", {}).items():
        sys.stdout.write(f"\nprofile of {process}:\n" + "\n".join(lines) + "\n")
    if "profile" in r:
        (ARTIFACTS / "profile" / "summary.txt").write_text(
            "\n".join(f"{p}:\n" + "\n".join(lines) for p, lines in r["profile"].items())
        )
    (ARTIFACTS / "bench-pipeline.json").write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
