"""Kafka as local KRaft processes: one node (the default), or a cluster of combined
broker/controller nodes (TRAINTRACK_KAFKA_NODES=3), each with its own ports, data and log.

One node keeps the layout it always had (.run/kafka/data, pid name `kafka`); node i of a
cluster lives in .run/kafka/node-<i>/ under the pid name `kafka-<i>`, with client port
TRAINTRACK_KAFKA_PORT + 2(i-1) and its controller port one above.

TRAINTRACK_KAFKA_SECURITY=sasl_ssl secures it as production would be: clients speak
SASL/SCRAM-SHA-512 over TLS and nothing else, the brokers authenticate to each other
(SCRAM) and to the controllers (TLS client certificates), and the StandardAuthorizer allows
only what an ACL grants. The dev stack makes the certificates (.run/kafka/tls/, CA in
ca.pem) and the bootstrap admin `traintrack-admin` (password in
.run/kafka/traintrack-admin.password); real certificates are named by
TRAINTRACK_KAFKA_KEYSTORE (PEM: key and chain) and TRAINTRACK_KAFKA_TRUSTSTORE (PEM CAs).
The default, plaintext with no authorizer, is for development only.
Standard library only, like the rest of the dev stack.
"""

from __future__ import annotations

import os
import secrets
import sys
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
# A group's committed offsets outlive the inbox claims that guard its redeliveries
# (traintrack.platform.messaging.pruning: 97 days): 100 days, not Kafka's 7.
offsets.retention.minutes=144000
# = traintrack.contracts.topics.MAX_MESSAGE_BYTES, Kafka's default, said aloud (a test checks)
message.max.bytes=1048588
"""
SECURED = """
listeners=SASL_SSL://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=SASL_SSL://127.0.0.1:{port}
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=\
org.apache.kafka.common.security.scram.ScramLoginModule required \
username="{broker}" password="{broker_password}";
listener.name.controller.ssl.client.auth=required
ssl.keystore.type=PEM
ssl.keystore.location={keystore}
ssl.truststore.type=PEM
ssl.truststore.location={truststore}
ssl.endpoint.identification.algorithm=https
ssl.principal.mapping.rules=RULE:^CN=([^,]+)$/$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:{admin};User:{broker}
"""
MAX_NODES = 5
ADMIN = "traintrack-admin"
BROKER = "traintrack-broker"  # the CN of the brokers' certificate, and their SCRAM user


@dataclass(frozen=True)
class KafkaNodes:
    home: Path  # .run/kafka
    pids: PidFiles
    count: int = 1
    port: int = 9092  # node 1's client port
    heap: str = "768m"
    security: str = "plaintext"  # or "sasl_ssl"

    def __post_init__(self) -> None:
        if self.security not in ("plaintext", "sasl_ssl"):
            raise SetupError(f"TRAINTRACK_KAFKA_SECURITY={self.security}: plaintext or sasl_ssl")
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
    def secured(self) -> bool:
        return self.security == "sasl_ssl"

    @property
    def tls(self) -> Path:
        return self.home / "tls"

    @property
    def ca_file(self) -> Path:
        return Path(os.environ.get("TRAINTRACK_KAFKA_TRUSTSTORE") or self.tls / "ca.pem")

    @property
    def keystore(self) -> Path:
        return Path(os.environ.get("TRAINTRACK_KAFKA_KEYSTORE") or self.tls / "broker.pem")

    def password_file(self, user: str) -> Path:
        return self.home / f"{user}.password"

    def password(self, user: str) -> str:
        """The user's password, made (0600) the first time it is asked for."""
        stored = self.password_file(user)
        if not stored.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            fd = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(24))
        return stored.read_text().strip()

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
        plain = PROPERTIES.format(
            node=node,
            quorum=quorum,
            port=port,
            controller=port + 1,
            data=self.directory(node) / "data",
            replicas=replicas,
            min_insync=min_insync,
        )
        if not self.secured:
            return plain
        secured = SECURED.format(
            port=port,
            controller=port + 1,
            broker=BROKER,
            broker_password=self.password(BROKER),
            admin=ADMIN,
            keystore=self.keystore,
            truststore=self.ca_file,
        )
        replaced = {line.split("=", 1)[0] for line in secured.splitlines() if "=" in line}
        kept = [line for line in plain.splitlines() if line.split("=", 1)[0] not in replaced]
        return "\n".join(kept) + secured

    def start(self) -> None:
        """Every node not running yet, then wait until each takes clients."""
        self._refuse_other_layout()
        install.jars()
        if self.secured and not os.environ.get("TRAINTRACK_KAFKA_KEYSTORE"):
            devtools_run("kafka-tls", str(self.tls))
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
            if self.secured:  # the users who exist before any admin can make one
                for user in (ADMIN, BROKER):
                    scram = f"SCRAM-SHA-512=[name={user},password={self.password(user)}]"
                    storage += ["--add-scram", scram]
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


def devtools_run(*args: str) -> None:
    """A chore of the tools package (it has the libraries), in this interpreter."""
    install.run([sys.executable, "-m", "traintrack.demo.devtools", *args], quiet=True)
