"""`traintrack-institute`: send submissions to traintrack, one at a time or a CSV file.

export TRAINTRACK_SIGNING_SECRET=ttsig_...  TRAINTRACK_KAFKA_BOOTSTRAP=127.0.0.1:9092
export TRAINTRACK_API_KEY=tt_...           # for what goes over HTTP
# Outside development: SASL/SCRAM over TLS as the institute's Kafka principal
export TRAINTRACK_KAFKA_SECURITY_PROTOCOL=SASL_SSL TRAINTRACK_KAFKA_USERNAME=institute-...
export TRAINTRACK_KAFKA_PASSWORD=... TRAINTRACK_KAFKA_CA_FILE=ca.pem
traintrack-institute attendance march.csv            # onto Kafka, with a progress bar
traintrack-institute attendance march.csv --via http # through the import endpoint
traintrack-institute record-attendance TRAINEE ENROLLMENT 2026-03-03 present --check-in 09:00
traintrack-institute trainees intake.csv --ids ids.csv # bulk onboarding (register + enroll)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from traintrack.contracts import attendance_csv
from traintrack.contracts.submissions import (
    ChangeConsent,
    CompleteEnrollment,
    DropEnrollment,
    RecordAttendance,
    Submission,
    SubmitSurvey,
)
from traintrack.institute.sdk import InstituteClient, instrument_kafka_python

cli = typer.Typer(help=__doc__, no_args_is_help=True)
console = Console(stderr=True)
# How the Kafka commands connect, set once by the options every command shares.
kafka_security: dict[str, Any] = {}

ApiKey = Annotated[str, typer.Option(envvar="TRAINTRACK_API_KEY", help="Institute API key.")]
# Kafka submissions are signed with the secret handed out with the key, not the key.
SigningSecret = Annotated[
    str,
    typer.Option(envvar="TRAINTRACK_SIGNING_SECRET", help="The key's signing secret (ttsig_...)."),
]
Bootstrap = Annotated[str, typer.Option(envvar="TRAINTRACK_KAFKA_BOOTSTRAP")]
EnrollmentUrl = Annotated[str, typer.Option(envvar="TRAINTRACK_ENROLLMENT_URL")]
SHOWN_ERRORS = 20


@dataclass
class Summary:
    rows: int = 0
    accepted: int = 0
    rejected: list[tuple[int, str | None, str]] = field(default_factory=list)

    def show(self, where: str) -> None:
        console.print(
            f"[bold]{self.rows}[/] rows: [green]{self.accepted} accepted[/] "
            f"({where}), [red]{len(self.rejected)} rejected[/]"
        )
        for row, column, message in self.rejected[:SHOWN_ERRORS]:
            console.print(f"  row {row}: {column or '-'}: {message}")
        if len(self.rejected) > SHOWN_ERRORS:
            console.print(f"  … and {len(self.rejected) - SHOWN_ERRORS} more")


def _send_one(
    kind: type[Submission], values: dict[str, object], bootstrap: str, signing_secret: str
) -> None:
    try:
        submission = kind.model_validate(values)
    except ValidationError as error:
        for problem in error.errors():
            console.print(f"[red]{'.'.join(map(str, problem['loc']))}: {problem['msg']}[/]")
        raise typer.Exit(2) from None
    instrument_kafka_python()
    client = _client(bootstrap, signing_secret)
    try:
        # types-kafka-python leaves Future.get unannotated
        client.send(submission).get(timeout=30)  # type: ignore[no-untyped-call]
    finally:
        client.close()
    console.print(f"sent {submission.type} for {submission.partition_key()}")


@cli.callback()
def connection(
    security_protocol: Annotated[
        str, typer.Option(envvar="TRAINTRACK_KAFKA_SECURITY_PROTOCOL", help="or SASL_SSL")
    ] = "PLAINTEXT",
    username: Annotated[
        str | None, typer.Option(envvar="TRAINTRACK_KAFKA_USERNAME", help="institute-<id>")
    ] = None,
    password: Annotated[
        str | None, typer.Option(envvar="TRAINTRACK_KAFKA_PASSWORD", show_default=False)
    ] = None,
    ca_file: Annotated[
        str | None, typer.Option(envvar="TRAINTRACK_KAFKA_CA_FILE", help="The brokers' CA.")
    ] = None,
    sasl_mechanism: Annotated[
        str, typer.Option(envvar="TRAINTRACK_KAFKA_SASL_MECHANISM")
    ] = "SCRAM-SHA-512",
) -> None:
    """How to reach Kafka (for the commands that send onto it)."""
    kafka_security.update(
        security_protocol=security_protocol,
        username=username,
        password=password,
        ca_file=ca_file,
        sasl_mechanism=sasl_mechanism,
    )


def _client(bootstrap: str, signing_secret: str) -> InstituteClient:
    try:
        return InstituteClient(bootstrap=bootstrap, signing_secret=signing_secret, **kafka_security)
    except ValueError as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig") as f:
        return max(sum(1 for _ in f) - 1, 0)


def _progress() -> Progress:
    return Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@cli.command()
def attendance(
    csv_file: Path,
    signing_secret: Annotated[
        str | None,
        typer.Option(envvar="TRAINTRACK_SIGNING_SECRET", help="For Kafka (ttsig_...)."),
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(envvar="TRAINTRACK_API_KEY", help="For HTTP.")
    ] = None,
    bootstrap: Bootstrap = "127.0.0.1:9092",
    via: Annotated[str, typer.Option(help="kafka or http")] = "kafka",
    enrollment_url: EnrollmentUrl = "http://127.0.0.1:8001",
) -> None:
    """Send every row of an attendance CSV; bad rows are reported, good ones sent."""
    if via == "http":
        _attendance_over_http(csv_file, _required(api_key, "--api-key"), enrollment_url)
        return
    client = _client(bootstrap, _required(signing_secret, "--signing-secret"))
    instrument_kafka_python()
    summary = Summary()
    pending = []
    with _progress() as progress, csv_file.open(encoding="utf-8-sig") as lines:
        task = progress.add_task("sending", total=_count_rows(csv_file))
        for number, parsed in attendance_csv.parse(lines):
            summary.rows += 1
            if isinstance(parsed, attendance_csv.BadRow):
                summary.rejected.append((parsed.row, parsed.field, parsed.message))
                progress.advance(task)
                continue
            pending.append((number, client.send(parsed)))
            if len(pending) >= 5000:
                _settle(pending, summary, progress, task)
        _settle(pending, summary, progress, task)
    client.close()
    summary.show("acknowledged by Kafka; the enrollment service dead-letters rows it refuses")
    if summary.rejected:
        raise typer.Exit(1)


def _required(value: str | None, option: str) -> str:
    if not value:
        console.print(f"[red]{option} (or its environment variable) is required[/]")
        raise typer.Exit(2)
    return value


def _settle(pending: list, summary: Summary, progress: Progress, task: object) -> None:  # type: ignore[type-arg]
    for number, future in pending:
        try:
            future.get(timeout=60)
            summary.accepted += 1
        except Exception as error:  # a send that failed is reported, not retried blindly
            summary.rejected.append((number, None, f"not sent: {error}"))
        progress.advance(task)  # type: ignore[arg-type]
    pending.clear()


def _attendance_over_http(csv_file: Path, api_key: str, url: str) -> None:
    with _progress() as progress:
        task = progress.add_task("importing", total=None)
        response = httpx.post(
            f"{url}/v1/imports/attendance",
            content=csv_file.read_bytes(),
            headers={"X-API-Key": api_key, "content-type": "text/csv"},
            timeout=600,
        )
        progress.update(task, total=1, completed=1)
    if response.status_code != 200:
        console.print(f"[red]import refused ({response.status_code}):[/] {response.text}")
        raise typer.Exit(1)
    report = response.json()
    summary = Summary(
        report["rows"],
        report["accepted"],
        [(e["row"], e["field"], e["message"]) for e in report["errors"]],
    )
    summary.show("stored")
    if summary.rejected:
        raise typer.Exit(1)


@cli.command()
def trainees(
    csv_file: Path,
    api_key: ApiKey,
    ids: Annotated[
        Path | None, typer.Option(help="Write row, ref, trainee_id, enrollment_id here.")
    ] = None,
    enrollment_url: EnrollmentUrl = "http://127.0.0.1:8001",
) -> None:
    """Register and enroll trainees from CSV (ref, name, birth_year, region_code, status,
    cohort_id; optional email, phone, consent_share_with_firms, applied_on). Safe to send
    again: rows already imported are reported as existing."""
    response = httpx.post(
        f"{enrollment_url}/v1/imports/trainees",
        content=csv_file.read_bytes(),
        headers={"X-API-Key": api_key, "content-type": "text/csv"},
        timeout=600,
    )
    if response.status_code != 200:
        console.print(f"[red]import refused ({response.status_code}):[/] {response.text}")
        raise typer.Exit(1)
    report = response.json()
    summary = Summary(
        report["rows"],
        report["accepted"],
        [(e["row"], e["field"], e["message"]) for e in report["errors"]],
    )
    summary.show(f"enrolled; {report['existing']} imported before")
    if ids is not None:
        lines = ["row,ref,trainee_id,enrollment_id,status"] + [
            f"{t['row']},{t['ref']},{t['trainee_id']},{t['enrollment_id']},{t['status']}"
            for t in report["trainees"]
        ]
        ids.write_text("\n".join(lines) + "\n")
    if summary.rejected:
        raise typer.Exit(1)


@cli.command("record-attendance")
def record_attendance(
    trainee_id: str,
    enrollment_id: str,
    day: str,
    status: str,
    signing_secret: SigningSecret,
    bootstrap: Bootstrap = "127.0.0.1:9092",
    check_in: str | None = None,
    check_out: str | None = None,
) -> None:
    """Send one attendance day (status: present, late, absent, excused)."""
    _send_one(
        RecordAttendance,
        {
            "trainee_id": trainee_id,
            "enrollment_id": enrollment_id,
            "day": day,
            "status": status,
            "check_in": check_in,
            "check_out": check_out,
        },
        bootstrap,
        signing_secret,
    )


@cli.command()
def survey(
    trainee_id: str,
    enrollment_id: str,
    score: int,
    submitted_on: str,
    signing_secret: SigningSecret,
    bootstrap: Bootstrap = "127.0.0.1:9092",
) -> None:
    """Send a satisfaction score (0-100)."""
    _send_one(
        SubmitSurvey,
        {
            "trainee_id": trainee_id,
            "enrollment_id": enrollment_id,
            "score": score,
            "submitted_on": submitted_on,
        },
        bootstrap,
        signing_secret,
    )


@cli.command()
def complete(
    trainee_id: str,
    enrollment_id: str,
    completed_on: str,
    signing_secret: SigningSecret,
    bootstrap: Bootstrap = "127.0.0.1:9092",
    hired_on: str | None = None,
) -> None:
    """Complete an enrollment (or through early employment, with --hired-on)."""
    _send_one(
        CompleteEnrollment,
        {
            "trainee_id": trainee_id,
            "enrollment_id": enrollment_id,
            "completed_on": completed_on,
            "hired_on": hired_on,
        },
        bootstrap,
        signing_secret,
    )


@cli.command()
def drop(
    trainee_id: str,
    enrollment_id: str,
    dropped_on: str,
    reason: str,
    signing_secret: SigningSecret,
    bootstrap: Bootstrap = "127.0.0.1:9092",
) -> None:
    """Record a drop-out with its reason."""
    _send_one(
        DropEnrollment,
        {
            "trainee_id": trainee_id,
            "enrollment_id": enrollment_id,
            "dropped_on": dropped_on,
            "reason": reason,
        },
        bootstrap,
        signing_secret,
    )


@cli.command()
def consent(
    trainee_id: str,
    share_with_firms: bool,
    signing_secret: SigningSecret,
    bootstrap: Bootstrap = "127.0.0.1:9092",
) -> None:
    """Record the trainee's consent to be shown to partner firms."""
    _send_one(
        ChangeConsent,
        {"trainee_id": trainee_id, "share_with_firms": share_with_firms},
        bootstrap,
        signing_secret,
    )


if __name__ == "__main__":
    cli()
