"""Set-up chores for infra/local.py and tests: databases, topics, demo keys, demo data."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import asyncpg
import typer

from traintrack.platform.messaging import admin
from traintrack.platform.messaging.connection import KafkaConnection, SecurityProtocol

cli = typer.Typer(help=__doc__, no_args_is_help=True)
KAFKA_HOME = Path(__file__).resolve().parents[3] / ".run" / "kafka"  # the dev stack's
# How the Kafka chores connect: PLAINTEXT to a development broker, or as the secured
# dev stack's admin (TRAINTRACK_KAFKA_SECURITY=sasl_ssl) with its password file and CA.
Protocol = Annotated[SecurityProtocol, typer.Option(envvar="TRAINTRACK_KAFKA_SECURITY_PROTOCOL")]
Username = Annotated[str, typer.Option(envvar="TRAINTRACK_KAFKA_USERNAME")]
PasswordFile = Annotated[Path | None, typer.Option(envvar="TRAINTRACK_KAFKA_PASSWORD_FILE")]
CaFile = Annotated[str, typer.Option(envvar="TRAINTRACK_KAFKA_CA_FILE")]


def _kafka(
    bootstrap: str, protocol: SecurityProtocol, username: str, password_file: Path | None, ca: str
) -> KafkaConnection:
    password = password_file.read_text().strip() if password_file else ""
    return KafkaConnection(bootstrap, protocol, username=username, password=password, ca_file=ca)


@cli.command("create-databases")
def create_databases(server_url: str, names: list[str]) -> None:
    """Create each named database on SERVER_URL (postgresql://user:pw@host:port) if missing."""
    asyncio.run(_create_databases(server_url, names))


async def _create_databases(server_url: str, names: list[str]) -> None:
    conn = await asyncpg.connect(f"{server_url}/postgres")
    try:
        existing = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
        for name in names:
            if name not in existing:
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@cli.command("create-topics")
def create_topics(
    bootstrap: str,
    timeout: float = 60.0,
    security_protocol: Protocol = "PLAINTEXT",
    username: Username = "",
    password_file: PasswordFile = None,
    ca_file: CaFile = "",
) -> None:
    """Create every declared topic, DLQs included, and put back any setting of an existing
    one that differs; refuse a cluster holding fewer replicas than declared."""
    try:
        kafka = _kafka(bootstrap, security_protocol, username, password_file, ca_file)
        for line in admin.ensure_topics(kafka, timeout):
            typer.echo(line)
    except admin.TopicsRefused as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(1) from None


@cli.command("kafka-security")
def kafka_security(
    bootstrap: str,
    users_dir: Path = KAFKA_HOME / "users",
    institute: Annotated[
        list[str] | None, typer.Option(help="Institute ids (default: the demo's).")
    ] = None,
    security_protocol: Protocol = "SASL_SSL",
    username: Username = "traintrack-admin",
    password_file: PasswordFile = KAFKA_HOME / "traintrack-admin.password",
    ca_file: CaFile = str(KAFKA_HOME / "tls" / "ca.pem"),
) -> None:
    """As the secured dev stack's admin: a SCRAM user for every service (svc-<service>),
    institute (institute-<id>) and the operators (traintrack-operator), each password made
    once in USERS_DIR/<principal>.password, and the ACLs the topic declarations imply."""
    from traintrack.demo.kafka_users import secure
    from traintrack.demo.programmes import demo_institute_ids

    admin = _kafka(bootstrap, security_protocol, username, password_file, ca_file)
    for line in secure(admin, users_dir, institute or demo_institute_ids()):
        typer.echo(line)


@cli.command("kafka-tls")
def kafka_tls(directory: Path) -> None:
    """A local CA and the brokers' certificate for the secured dev Kafka (ca.pem, broker.pem)."""
    from traintrack.demo.kafka_tls import make_tls

    make_tls(directory)


@cli.command("demo-keys")
def demo_keys(credentials_file: Path, keyring_file: Path, signing_master_file: Path) -> None:
    """Issue the demo keys: an operator, one key per demo institute and partner firm; each
    institute's signing secret (Kafka) is derived from the master secret, created here if
    missing, and written to the credentials only."""
    from traintrack.demo.matching import FIRMS
    from traintrack.demo.programmes import demo_institute_ids
    from traintrack.platform.messaging.signatures import load_master, signing_secret
    from traintrack.platform.web.auth import KeyEntry, Role, issue_key

    master = load_master(signing_master_file, create=True)
    institutes = {i: issue_key(Role.INSTITUTE, i) for i in demo_institute_ids()}
    firms = {f: issue_key(Role.FIRM, f) for f in FIRMS}
    issued = {
        "operator": issue_key(Role.OPERATOR, "platform"),
        "institute": institutes[next(iter(institutes))],
        "firm": firms[next(iter(firms))],
    }
    entries = [e for _, e in (*issued.values(), *institutes.values(), *firms.values())]
    unique = {e.key_id: e for e in entries}.values()
    keyring_file.write_text(json.dumps([e.model_dump() for e in unique], indent=2))

    def signing(entry: KeyEntry) -> dict[str, str]:
        if entry.role is not Role.INSTITUTE:
            return {}
        return {"signing_secret": signing_secret(master, entry.key_id)}

    credentials: dict[str, object] = {
        name: {"key": key, "role": entry.role, "tenant": entry.tenant} | signing(entry)
        for name, (key, entry) in issued.items()
    }
    credentials["institutes"] = {i: key for i, (key, _) in institutes.items()}
    credentials["signing_secrets"] = {
        i: signing_secret(master, entry.key_id) for i, (_, entry) in institutes.items()
    }
    credentials["firms"] = {f: key for f, (key, _) in firms.items()}
    credentials_file.write_text(json.dumps(credentials, indent=2, ensure_ascii=False))
    credentials_file.chmod(0o600)


@cli.command("demo-data")
def demo_data(credentials_file: Path) -> None:
    """Load the demo programme data through the services' APIs."""
    from traintrack.demo.programmes import load_demo

    load_demo(json.loads(credentials_file.read_text()))


@cli.command("outcome-report")
def outcome_report(credentials_file: Path) -> None:
    """Print the short outcome report of the running platform, as known today."""
    from datetime import UTC, datetime

    from traintrack.demo.outcomes import outcome_report as report

    credentials = json.loads(credentials_file.read_text())
    typer.echo(report(credentials, datetime.now(UTC).date()))


@cli.command("attendance-csv")
def attendance_csv(
    credentials_file: Path,
    out: Path,
    trainees: int = 400,
    days: int = 125,
    institute: str = "seoul-ai-academy",
    enrollment_url: str = "",
) -> None:
    """Enroll TRAINEES new trainees in a new cohort and write DAYS of attendance each to OUT
    (400 x 125 = 50,000 rows): the input of the bulk-import measurement."""
    import random
    import uuid
    from datetime import date, timedelta

    import httpx

    key = json.loads(credentials_file.read_text())["institutes"][institute]
    rng, tag = random.Random(7), uuid.uuid4().hex[:6]
    start = date(2027, 3, 1)
    weekdays = [d for d in (start + timedelta(n) for n in range(days * 2)) if d.weekday() < 5]
    weekdays = weekdays[:days]
    from traintrack.demo.urls import ENROLLMENT_URL

    base = enrollment_url or ENROLLMENT_URL
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=30) as api:

        def post(path: str, body: dict[str, object]) -> dict[str, str]:
            response = api.post(path, json=body)
            response.raise_for_status()
            result: dict[str, str] = response.json()
            return result

        post(
            "/v1/programmes",
            {
                "programme_id": f"bench-{tag}",
                "name": "bench",
                "track": "k_digital_credit",
                "field": "AI",
                "hours": 1000,
                "capacity": 2000,
                "project_work_share": 0.3,
            },
        )
        post(
            "/v1/cohorts",
            {
                "cohort_id": f"bench-{tag}",
                "programme_id": f"bench-{tag}",
                "starts_on": start.isoformat(),
                "ends_on": weekdays[-1].isoformat(),
            },
        )
        lines = ["trainee_id,enrollment_id,day,status,check_in,check_out"]
        for _ in range(trainees):
            trainee = post(
                "/v1/trainees",
                {"birth_year": 1999, "region_code": "11", "status": "job_seeker", "name": "벤치"},
            )
            enrollment = post(
                "/v1/enrollments",
                {
                    "trainee_id": trainee["trainee_id"],
                    "cohort_id": f"bench-{tag}",
                    "applied_on": "2027-02-01",
                },
            )
            for day in weekdays:
                status = "absent,," if rng.random() < 0.05 else "present,09:00,18:00"
                lines.append(
                    f"{trainee['trainee_id']},{enrollment['enrollment_id']},{day},{status}"
                )
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    cli()
