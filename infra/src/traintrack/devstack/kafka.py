"""Kafka as local KRaft processes: one node (the default), or a cluster of combined
broker/controller nodes (TRAINTRACK_KAFKA_NODES=3), each with its own ports, data and log.

One node keeps the layout it always had (.run/kafka/data, pid name `kafka`); node i of a
cluster lives in .run/kafka/node-<i>/ under the pid name `kafka-<i>`, with client port
TRAINTRACK_KAFKA_PORT + 2(i-1) and its controller port one above.
Standard library only, like the rest of the dev stack.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from traintrack.devstack import install
from traintrack.devstack.pidfiles import PidFiles
from traintrack.devstack.processes import ROOT, SetupError, log, port_open
from traintrack.devstack.processes import wait_until as _wait

PROPERTIES = """process.roles=broker,controller
node.id={node}
{quorum}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={data}
num.partitions=4
default.replication.factor={replicas}
min.insync.replicas={min_insync}
offsets.topic.replication.factor={replicas}
offsets.topic.num.partitions=8
transaction.state.log.replication.factor={replicas}
transaction.state.log.min.isr={min_insync}
share.coordinator.state.topic.replication.factor={replicas}
share.coordinator.state.topic.min.isr={min_insync}
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=-1
# = traintrack.contracts.topics.MAX_MESSAGE_BYTES, Kafka's default, said aloud (a test checks)
message.max.bytes=1048588
"""
MAX_NODES = 5


@dataclass(frozen=True)
class KafkaNodes:
    home: Path  # .run/kafka
    pids: PidFiles
    count: int = 1
    port: int = 9092  # node 1's client port
    heap: str = "768m"

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_NODES or self.count == 2:
            raise SetupError(
                f"TRAINTRACK_KAFKA_NODES={self.count}: 1, or 3 to {MAX_NODES} (a quorum "
                "of two controllers stops when either stops)"
            )

    @property
    def names(self) -> list[str]:
        return ["kafka"] if self.count == 1 else [f"kafka-{i}" for i in self.nodes]

    @property
    def nodes(self) -> range:
        return range(1, self.count + 1)

    def client_port(self, node: int) -> int:
        return self.port + 2 * (node - 1)

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.client_port(n)}" for n in self.nodes)

    @property
    def replication(self) -> tuple[int, int]:
        """The replicas and the in-sync minimum the topics need here."""
        return (1, 1) if self.count == 1 else (3, 2)

    def name_of(self, node: int) -> str:
        return self.names[node - 1]

    def directory(self, node: int) -> Path:
        return self.home if self.count == 1 else self.home / f"node-{node}"

    def properties(self, node: int) -> str:
        port = self.client_port(node)
        if self.count == 1:
            quorum = f"controller.quorum.bootstrap.servers=localhost:{port + 1}"
        else:
            voters = ",".join(f"{n}@127.0.0.1:{self.client_port(n) + 1}" for n in self.nodes)
            quorum = f"controller.quorum.voters={voters}"
        replicas, min_insync = self.replication
        return PROPERTIES.format(
            node=node,
            quorum=quorum,
            port=port,
            controller=port + 1,
            data=self.directory(node) / "data",
            replicas=replicas,
            min_insync=min_insync,
        )

    def start(self) -> None:
        """Every node not running yet, then wait until each takes clients."""
        self._refuse_other_layout()
        install.jars()
        cluster_id = self._cluster_id()
        started = [n for n in self.nodes if self._start_node(n, cluster_id)]
        for node in started:
            name, port = self.name_of(node), self.client_port(node)
            _wait(name, partial(port_open, port), 120, self.pids.log_of(name))

    def _start_node(self, node: int, cluster_id: str) -> bool:
        name, port = self.name_of(node), self.client_port(node)
        if self.pids.alive(name) and port_open(port):
            log(f"{name} already running on {port}")
            return False
        if port_open(port):
            raise SetupError(
                f"port {port} is taken by a process this runner did not start; stop it or "
                "set TRAINTRACK_KAFKA_BOOTSTRAP to use it"
            )
        where = self.directory(node)
        where.mkdir(parents=True, exist_ok=True)
        props = where / "server.properties"
        props.write_text(self.properties(node))
        java = [
            *("java", "-Xms256m", f"-Xmx{self.heap}", "-XX:+UseG1GC"),
            f"-Dlog4j2.configurationFile={ROOT / 'infra/kafka/log4j2.yaml'}",
            *("-cp", install.KAFKA_CLASSPATH),
        ]
        if not (where / "data" / "meta.properties").exists():
            log(f"formatting the storage of {name} (KRaft)")
            standalone = ["--standalone"] if self.count == 1 else []
            storage = ["kafka.tools.StorageTool", "format", *standalone, "-t", cluster_id]
            install.run([*java, *storage, "-c", str(props)], quiet=True)
        log(f"starting {name} on {port}")
        self.pids.start(name, [*java, "kafka.Kafka", str(props)])
        return True

    def _cluster_id(self) -> str:
        if self.count == 1:
            return uuid.uuid4().hex[:22]  # used once, when the storage is formatted
        stored = self.home / "cluster-id"
        if not stored.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            stored.write_text(uuid.uuid4().hex[:22])
        return stored.read_text().strip()

    def _refuse_other_layout(self) -> None:
        other = ["kafka"] if self.count > 1 else [f"kafka-{i}" for i in range(1, MAX_NODES + 1)]
        running = [name for name in other if self.pids.alive(name)]
        if running:
            raise SetupError(
                f"{', '.join(running)} of another Kafka layout runs from {self.home.parent}; "
                "`make down` first, then start with the TRAINTRACK_KAFKA_NODES you want"
            )
