"""Chaos run: the load generator against the whole platform while its parts are killed.

Four services (API and worker each) run as processes on their own databases and topic
prefix. While the generator plays its journeys, faults come one after another: kill -9 of
each service process in turn (a supervisor starts it again a second later, as a restart
policy would), kill -9 of the Kafka broker and of PostgreSQL (started again by
`python -m traintrack.devstack infra-up`). When the generator is done the faults stop, the
stores are given time to catch up, and the ledger check (bench.ledger) prints lost /
duplicated / total per store. Nothing of an earlier run counts.

Cluster mode (--cluster) runs on the dev stack's three-node Kafka (TRAINTRACK_KAFKA_NODES=3,
topics at three replicas, two in sync) with two replicas of every worker (one consumer
group each) and two API processes per service (one relay publishing, one standby), and
its faults are kill -9 of a broker (the controller leader every other time), of one
replica of each worker, and of each service's relay holder (the API process whose session
holds the relay lock).

    make chaos                                   # 20,000 journeys, every fault several times
    make chaos CLUSTER=1                         # the same on the three-node cluster
    .venv/bin/python -m bench.chaos --journeys 500 --rounds 1 [--cluster]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if os.environ.get("TRAINTRACK_TOPIC_PREFIX") is None:
    os.environ["TRAINTRACK_TOPIC_PREFIX"] = f"chaos{uuid.uuid4().hex[:6]}."

import asyncpg  # noqa: E402

from bench import ledger as ledger_check  # noqa: E402
from bench.loadgen import Doors, Driver, Ledger, issue_keys, make_plan  # noqa: E402
from tests.utils.keys import master_file, write_keyring  # noqa: E402
from tests.utils.platform import Platform, local_platform  # noqa: E402
from tests.utils.processes import ARTIFACTS, ServiceProcesses, free_port  # noqa: E402
from traintrack.platform.messaging.admin import controller_leader, ensure_topics  # noqa: E402
from traintrack.platform.messaging.connection import KafkaConnection  # noqa: E402
from traintrack.platform.messaging.outbox import relay_holder  # noqa: E402
from traintrack.platform.web.auth import Role  # noqa: E402

SERVICES = {
    "enrollment": "traintrack.enrollment",
    "evaluation": "traintrack.evaluation",
    "matching": "traintrack.matching",
    "outcomes": "traintrack.outcomes",
}
INFRA = ("kafka", "postgres")
BROKER = "broker"  # cluster mode: a Kafka node, chosen when the fault comes
RELAY = "-relay"  # cluster mode: "<service>-relay" is the process holding its relay lock
WORKER = "-worker"  # cluster mode: "<service>-worker" is one of its replicas, at random


@dataclass
class Supervisor(ServiceProcesses):
    """Keeps every service process running: whatever dies is started again, as a
    container's restart policy would; exits nobody asked for are counted."""

    killed: dict[str, int] = field(default_factory=dict)
    unexpected: dict[str, int] = field(default_factory=dict)

    def kill(self, name: str) -> None:
        self.killed[name] = self.killed.get(name, 0) + 1
        super().kill(name)

    async def watch(self) -> None:
        while True:
            for name, proc in list(self.procs.items()):
                if proc.poll() is not None:
                    if proc.returncode != -signal.SIGKILL:
                        self.unexpected[name] = self.unexpected.get(name, 0) + 1
                    await asyncio.sleep(1)
                    self.restart(name)
            await asyncio.sleep(0.5)


def _infra(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "traintrack.devstack", *args], capture_output=True, text=True
    )
    if done.returncode != 0:  # say why: the report is all a chaos run leaves
        raise RuntimeError(f"devstack {' '.join(args)} failed: {done.stderr[-2000:]}")


async def inject(
    supervisor: Supervisor, faults: list[str], every: float, log: list[str], target: Target
) -> None:
    """One fault every `every` seconds (after the last one recovered), in the order given."""
    started = time.perf_counter()
    for fault in faults:
        await asyncio.sleep(every)
        at = time.perf_counter() - started
        victim = await target.resolve(fault)
        if victim in INFRA or victim.startswith("kafka-"):
            await asyncio.to_thread(_infra, "crash", victim)
            await asyncio.sleep(2)
            await asyncio.to_thread(_infra, "infra-up")
        else:
            supervisor.kill(victim)
        why = "" if victim == fault else f" ({target.why(fault)})"
        log.append(f"{at:6.1f}s kill -9 {victim}{why}")
        print(f"  fault: {log[-1]}", flush=True)


@dataclass
class Target:
    """Which process a fault hits: itself, or in cluster mode the one chosen when it comes."""

    supervisor: Supervisor
    dbs: dict[str, str]
    kafka: KafkaConnection
    rng: random.Random
    cluster: bool
    brokers_hit: int = 0

    async def resolve(self, fault: str) -> str:
        if not self.cluster:  # one node: every fault names its process
            return fault
        if fault == BROKER:
            self.brokers_hit += 1
            nodes = [1, 2, 3]
            leader = await asyncio.to_thread(controller_leader, self.kafka)
            others = [n for n in nodes if n != leader]
            return f"kafka-{leader if self.brokers_hit % 2 else self.rng.choice(others)}"
        if fault.endswith(RELAY):
            service = fault.removesuffix(RELAY)
            return await self._relay_holder(service)
        if fault.endswith(WORKER):
            return f"{fault}-{self.rng.choice((1, 2))}"
        return fault

    def why(self, fault: str) -> str:
        if fault == BROKER:
            return "the controller leader" if self.brokers_hit % 2 else "a broker"
        return "the relay holder" if fault.endswith(RELAY) else "one of two replicas"

    async def _relay_holder(self, service: str) -> str:
        """The API process whose session holds the service's relay lock (waiting for the
        standby to take it if the last holder just died)."""
        conn = await asyncpg.connect(self.dbs[service])
        try:
            async with asyncio.timeout(60):
                while True:
                    holder = await relay_holder(conn)
                    if holder is not None:
                        break
                    await asyncio.sleep(0.5)
        finally:
            await conn.close()
        pid = int(holder.rsplit(" ", 1)[1])
        return next(n for n, p in self.supervisor.procs.items() if p.pid == pid)


@dataclass
class Verdict:
    journeys: int
    tallies: list[ledger_check.Tally]
    faults: list[str]
    during_load: int
    unexpected_exits: dict[str, int]
    retries: dict[str, int]
    seconds: float

    @property
    def lost(self) -> int:
        return sum(t.lost for t in self.tallies)

    @property
    def duplicated(self) -> int:
        return sum(t.duplicated for t in self.tallies)

    @property
    def total(self) -> int:
        return sum(t.expected for t in self.tallies)


async def settle(ledger: Ledger, dbs: dict[str, str], quiet: float) -> list[ledger_check.Tally]:
    """Check until nothing is lost or nothing changed for `quiet` seconds."""
    last, since = None, time.perf_counter()
    while True:
        tallies = await ledger_check.check(ledger, dbs)
        if all(t.lost == 0 for t in tallies) or time.perf_counter() - since > quiet:
            return tallies
        if tallies != last:
            last, since = tallies, time.perf_counter()
        await asyncio.sleep(2)


async def run(
    journeys: int,
    seed: int,
    rounds: int,
    every: float,
    platform: Platform | None = None,
    *,
    cluster: bool = False,
) -> Verdict:
    if cluster:
        os.environ["TRAINTRACK_KAFKA_NODES"] = "3"  # infra-up after a fault keeps three
    platform = platform or local_platform()
    ensure_topics(platform.kafka)
    work = ARTIFACTS / "chaos" / uuid.uuid4().hex[:6]
    work.mkdir(parents=True)
    keyring = work / "keyring.json"
    operator = write_keyring(keyring, {"operator": (Role.OPERATOR, "platform")})["operator"]
    dbs = {s: await platform.fresh_database(f"chaos_{s}") for s in SERVICES}
    replicas = (1, 2) if cluster else (None,)
    ports = {(s, r): free_port() for s in SERVICES for r in replicas}
    envs: dict[str, tuple[str, dict[str, str]]] = {}
    for (service, replica), port in ports.items():
        prefix, module = service.upper(), SERVICES[service]
        suffix = "" if replica is None else f"-{replica}"
        env = {
            f"{prefix}_DATABASE_URL": dbs[service],
            f"{prefix}_KAFKA_BOOTSTRAP": platform.kafka_bootstrap,
            f"{prefix}_HTTP_PORT": str(port),
            f"{prefix}_KEYRING_FILE": str(keyring),
            "ENROLLMENT_SUBMISSION_SIGNING_MASTER_FILE": str(master_file(keyring)),
            f"{prefix}_CONSUMER_NAME": f"{service}-{work.name}",
            f"{prefix}_STATE_DIR": str(work / f"{service}-state{suffix}"),
            "EVALUATION_SIGNING_KEYS_DIR": str(work / "signing-keys"),
            "EVALUATION_SIGNING_KEY_FILE": str(work / "signing-key.pem"),
            # Traces as production would keep them under load (1 in 100 new ones).
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "0.01",
        }
        envs[f"{service}-api{suffix}"] = (module, env)
        envs[f"{service}-worker{suffix}"] = (module, env)
    supervisor = Supervisor(work / "logs")
    plan = make_plan(seed, journeys, run=f"ch{seed}-{uuid.uuid4().hex[:4]}")
    keys = issue_keys(keyring, plan)
    rng = random.Random(seed)
    if cluster:
        each = [BROKER, *(f"{s}{kind}" for s in SERVICES for kind in (RELAY, WORKER))]
        faults = each * rounds
    else:
        faults = [*envs, *INFRA] * rounds
    rng.shuffle(faults)
    target = Target(supervisor, dbs, platform.kafka, rng, cluster)
    log: list[str] = []
    started = time.perf_counter()
    injecting = watching = None
    try:
        for name, (module, env) in envs.items():
            supervisor.start(name, module, "api" if "-api" in name else "worker", env)
        for (service, replica), port in ports.items():
            url = f"http://127.0.0.1:{port}/readyz"
            api = f"{service}-api" + ("" if replica is None else f"-{replica}")
            await asyncio.to_thread(supervisor.wait_ready, api, url, 120)
        watching = asyncio.create_task(supervisor.watch())
        # The generator's doors are the first API of each service: a killed one answers
        # again once restarted, and the careful client asks until then.
        doors = Doors(
            f"http://127.0.0.1:{ports['enrollment', replicas[0]]}",
            f"http://127.0.0.1:{ports['outcomes', replicas[0]]}",
            platform.kafka_bootstrap,
            operator,
            master_file(keyring),
        )
        async with Driver(doors, plan, keys, concurrency=48) as driver:
            injecting = asyncio.create_task(inject(supervisor, faults, every, log, target))
            ledger = await driver.run(
                lambda line: print(f"  {time.perf_counter() - started:6.1f}s {line}", flush=True)
            )
        during_load = len(log)
        print(f"  generator done after {time.perf_counter() - started:.0f} s", flush=True)
        await injecting  # the rest of the faults, if any, hit the catching-up workers
        tallies = await settle(ledger, dbs, quiet=180)
    finally:
        for task in (injecting, watching):
            if task is not None:
                task.cancel()
        await asyncio.to_thread(_infra, "infra-up")  # whatever a cut-short fault left down
        supervisor.stop_all()
    ledger.save(work / "ledger.json")
    return Verdict(
        len(ledger.entries),
        tallies,
        log,
        during_load,
        supervisor.unexpected,
        ledger.retries,
        time.perf_counter() - started,
    )


def report(verdict: Verdict) -> str:
    return "\n".join(
        [
            ledger_check.render(verdict.tallies),
            f"journeys {verdict.journeys:,}; faults {len(verdict.faults)} "
            f"({verdict.during_load} during the load); "
            f"{verdict.seconds:.0f} s; client retries {verdict.retries}; "
            f"exits nobody asked for {verdict.unexpected_exits or 'none'}",
            f"lost {verdict.lost} / duplicated {verdict.duplicated} / total {verdict.total:,}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=3, help="times each fault happens")
    parser.add_argument("--every", type=float, default=20.0, help="seconds between faults")
    parser.add_argument(
        "--cluster", action="store_true", help="three brokers, two replicas of everything"
    )
    args = parser.parse_args(argv)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # every retry of a send, else
    verdict = asyncio.run(
        run(args.journeys, args.seed, args.rounds, args.every, cluster=args.cluster)
    )
    text = report(verdict)
    print(text)
    (ARTIFACTS / "chaos-report.txt").write_text(text + "\n\n" + "\n".join(verdict.faults) + "\n")
    return 0 if verdict.lost == verdict.duplicated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
