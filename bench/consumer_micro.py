"""CPU per consumed record on the consumer path every worker runs, without Kafka or
PostgreSQL: the codec's decode and `EventConsumer.process_batch` (a fake pool answers the
inbox), for the current tree and, in the same run, for the codec and consumer of a
baseline git revision (what the worker's poll loop costs: `bench/reader_overhead.py`).

Records as the platform sees them: signed attendance submissions (no traceparent, as an
institute sends them; verified by the batch handler, as the enrollment worker does) and
attendance-recorded.v2 events as the outbox relay writes them (jsonb text, an unsampled
traceparent). Tracing as the bench runs it: ParentBased(TraceIdRatioBased(0.01)) and a
batch span processor whose exporter drops what it gets.

    python -m bench.consumer_micro [--records 5000] [--baseline main] [--repeat 3]
    (one line per case: CPU microseconds per record, baseline and current)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import subprocess
import sys
import time
import types
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from traintrack.contracts import codec
from traintrack.contracts.enrollment import AttendanceRecorded
from traintrack.contracts.submissions import RecordAttendance
from traintrack.contracts.topics import ENROLLMENT_ATTENDANCE, INSTITUTE_SUBMISSIONS
from traintrack.institute.sdk import signed_record
from traintrack.platform.messaging import consumer
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.messaging.signatures import SubmissionVerifier, signing_secret
from traintrack.platform.web.auth import Role

ROOT = Path(__file__).resolve().parents[1]
CODEC = "shared/contracts/traintrack/contracts/codec.py"
CONSUMER = "shared/platform/traintrack/platform/messaging/consumer.py"
MASTER = b"m" * 32
KEY_ID = "k1"
BATCH = 500  # the enrollment and evaluation workers' batch


class DropSpans(SpanExporter):
    def export(self, spans: Sequence[Any]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def setup_tracing() -> None:
    provider = TracerProvider(sampler=ParentBased(TraceIdRatioBased(0.01)))
    provider.add_span_processor(BatchSpanProcessor(DropSpans(), schedule_delay_millis=500))
    trace.set_tracer_provider(provider)


def baseline_module(name: str, path: str, ref: str) -> types.ModuleType:
    """`path` as it is at git `ref`, loaded as a module of its own."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:{path}"], check=True, capture_output=True
    ).stdout
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    exec(compile(source, f"{ref}:{path}", "exec"), module.__dict__)
    return module


def baseline(ref: str) -> dict[str, types.ModuleType]:
    old_codec = baseline_module("baseline_codec", CODEC, ref)
    old_consumer = baseline_module("baseline_consumer", CONSUMER, ref)
    old_consumer.codec = old_codec  # type: ignore[attr-defined]
    return {"codec": old_codec, "consumer": old_consumer}


def submissions(count: int) -> list[codec.KafkaRecord]:
    secret = signing_secret(MASTER, KEY_ID)
    first = date(2026, 1, 5)
    return [
        signed_record(
            RecordAttendance.model_validate(
                {
                    "trainee_id": f"tr-{n:020x}",
                    "enrollment_id": f"en-{n:020x}",
                    "day": (first + timedelta(days=n % 60)).isoformat(),
                    "status": "present",
                    "check_in": "09:00",
                }
            ),
            secret,
            event_id=str(uuid.uuid4()),
        )
        for n in range(count)
    ]


def attendance_recorded(count: int) -> list[codec.KafkaRecord]:
    """As the relay writes them: the data as PostgreSQL's jsonb text, an unsampled trace."""
    records = []
    for n in range(count):
        trainee = f"tr-{n:020x}"
        data = (
            f'{{"day": "2026-01-{5 + n % 20:02d}", "status": "present", "cohort_id": "co-1", '
            f'"month_rate": 0.95, "trainee_id": "{trainee}", "rate_to_date": 0.9, '
            f'"enrollment_id": "en-{n:020x}"}}'
        )
        event = codec.make_cloudevent(
            event_type=AttendanceRecorded.type,
            source="/enrollment",
            subject=f"trainee/{trainee}",
            key=trainee,
            data=data.encode(),
        )
        traceparent = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-00".encode()
        records.append(codec.encode(event, [("traceparent", traceparent)]))
    return records


class FakeConn:
    """Answers the inbox as PostgreSQL would the first time: every event is new."""

    def transaction(self) -> FakeConn:
        return self

    async def __aenter__(self) -> FakeConn:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def fetch(self, query: str, consumer: str, ids: list[str], *rest: object) -> list[Any]:
        return [{"event_id": i} for i in ids]

    async def fetchval(self, query: str, *args: object) -> int:
        return 1


class FakePool:
    def acquire(self) -> FakeConn:
        return FakeConn()


class FakeKeyring:
    def entry(self, key_id: str) -> Any:
        return types.SimpleNamespace(key_id=key_id, revoked=False, role=Role.INSTITUTE, tenant="i1")


def verifying_handler() -> Callable[..., Any]:
    verifier = SubmissionVerifier(FakeKeyring(), MASTER)  # type: ignore[arg-type]

    async def handle(envelopes: Sequence[Any], conn: Any) -> Mapping[int, Exception]:
        for envelope in envelopes:
            verifier.verify(envelope)
        return {}

    return handle


async def ignore_all(envelopes: Sequence[Any], conn: Any) -> Mapping[int, Exception]:
    return {}


async def no_dlq(*args: object) -> None:
    raise AssertionError("nothing here is poison")


def make_consumer(module: Any, event_type: str | None, handler: Any) -> Any:
    return module.EventConsumer(
        name="bench",
        pool=FakePool(),
        handlers={},
        batch_handlers={event_type: handler} if event_type else {},
        publish=no_dlq,
    )


def cpu_per_record(run: Callable[[], object], count: int) -> float:
    """Microseconds of process CPU per record (the span export thread's included). The
    records and modules are frozen out of the collector's sight first: otherwise a full
    collection, walking them all, lands in one case or another at random."""
    gc.collect()
    gc.freeze()
    start = time.process_time()
    run()
    return (time.process_time() - start) / count * 1e6


def batched(
    module: Any, records: list[codec.KafkaRecord], topic: str, **kw: Any
) -> Callable[[], object]:
    deliveries = [Delivery(topic, 0, n, r) for n, r in enumerate(records)]
    handler = make_consumer(module, **kw)

    async def run() -> None:
        for start in range(0, len(deliveries), BATCH):
            await handler.process_batch(deliveries[start : start + BATCH])

    return lambda: asyncio.run(run())


def cases(
    modules: dict[str, Any], subs: list[codec.KafkaRecord], recorded: list[codec.KafkaRecord]
) -> dict[str, Callable[[], object]]:
    submissions_topic, attendance_topic = INSTITUTE_SUBMISSIONS.name, ENROLLMENT_ATTENDANCE.name
    decode = modules["codec"].decode
    return {
        "decode submission": lambda: [decode(r, topic=submissions_topic) for r in subs],
        "decode attendance-recorded": lambda: [decode(r, topic=attendance_topic) for r in recorded],
        "process_batch submissions (verify)": batched(
            modules["consumer"],
            subs,
            submissions_topic,
            event_type=RecordAttendance.type,
            handler=verifying_handler(),
        ),
        "process_batch attendance-recorded": batched(
            modules["consumer"],
            recorded,
            attendance_topic,
            event_type=AttendanceRecorded.type,
            handler=ignore_all,
        ),
        "process_batch attendance, not for us": batched(
            modules["consumer"], recorded, attendance_topic, event_type=None, handler=None
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--baseline", default="main", help="git revision to compare with")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["baseline", "current"], help="for py-spy")
    args = parser.parse_args()
    setup_tracing()
    subs, recorded = submissions(args.records), attendance_recorded(args.records)
    current = {"codec": codec, "consumer": consumer}
    runs = {"baseline": baseline(args.baseline), "current": current}
    if args.only:
        runs = {args.only: runs[args.only]}
    built = {label: cases(modules, subs, recorded) for label, modules in runs.items()}
    figures: dict[str, dict[str, float]] = {label: {} for label in runs}
    for _ in range(args.repeat):  # interleaved, so that a busy moment hits both alike
        for label, runs_of_label in built.items():
            for case, run in runs_of_label.items():
                spent = cpu_per_record(run, args.records)
                figures[label][case] = min(figures[label].get(case, spent), spent)
    labels = list(figures)
    sys.stdout.write(f"{'CPU us per record':<40}" + "".join(f"{x:>12}" for x in labels) + "\n")
    for case in figures[labels[0]]:
        row = "".join(f"{figures[label][case]:>12.1f}" for label in labels)
        sys.stdout.write(f"{case:<40}{row}\n")


if __name__ == "__main__":
    main()
