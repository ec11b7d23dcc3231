"""`traintrack-ops`: the operator's command line, over the operations API.

The key: `TRAINTRACK_API_KEY`, else the operator key of `.run/credentials.json`.
The API: `TRAINTRACK_OPS_URL` (default http://127.0.0.1:8005).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from traintrack.platform.messaging.signatures import load_master, signing_secret
from traintrack.platform.web.auth import Role, add_key, list_keys, revoke_key

app = typer.Typer(help=__doc__, no_args_is_help=True)
dlq = typer.Typer(help="Dead letters: list, show, replay, discard.", no_args_is_help=True)
app.add_typer(dlq, name="dlq")
console = Console()


def _key() -> str:
    key = os.environ.get("TRAINTRACK_API_KEY")
    if key:
        return key
    credentials = Path(".run/credentials.json")
    if credentials.exists():
        return str(json.loads(credentials.read_text())["operator"]["key"])
    raise typer.BadParameter("set TRAINTRACK_API_KEY (an operator key)")


def _api() -> httpx.Client:
    return httpx.Client(
        base_url=os.environ.get("TRAINTRACK_OPS_URL", "http://127.0.0.1:8005"),
        headers={"X-API-Key": _key()},
        timeout=120,
    )


def _call(method: str, path: str, **kwargs: Any) -> Any:
    with _api() as api, console.status(f"{method} {path}"):
        response = api.request(method, path, **kwargs)
    if response.status_code >= 400:
        console.print(f"[red]{response.status_code}[/red] {response.text}")
        raise typer.Exit(1)
    return response.json()


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("—" if v is None else str(v) for v in row))
    console.print(table)


def _event_name(event_type: str | None) -> str:
    """`trainee-enrolled` of traintrack.enrollment.trainee-enrolled.v1; a foreign type whole."""
    parts = (event_type or "?").split(".")
    return parts[2] if len(parts) > 2 else event_type or "?"


@app.command()
def journey(trainee_id: str) -> None:
    """Every event about a trainee on every topic, in order, and each service's view."""
    found = _call("GET", f"/v1/journeys/{trainee_id}")
    _table(
        f"journey of {trainee_id} (traintrack-ops trace for the Zipkin links)",
        ["when (UTC)", "where", "event", "trace id"],
        [
            [
                e["at"][:19].replace("T", " "),
                f"{e['topic']}[{e['partition']}]@{e['offset']}",
                _event_name(e["event_type"])
                + (f" (+{e['redeliveries']} redelivered)" if e.get("redeliveries") else ""),
                e["trace_id"],
            ]
            for e in found["events"]
        ],
    )
    for service, view in found["views"].items():
        console.print(f"[bold]{service}[/bold] ({view['status']}): {json.dumps(view.get('view'))}")


@app.command()
def trace(trainee_id: str) -> None:
    """Zipkin links of the traces behind a trainee's events."""
    found = _call("GET", f"/v1/journeys/{trainee_id}")
    for link in dict.fromkeys(e["trace"] for e in found["events"] if e["trace"]):
        console.print(link)


@app.command()
def lag() -> None:
    """Consumer lag per consumer, topic and partition."""
    rows = _call("GET", "/v1/lag")
    _table(
        "consumer lag",
        ["consumer", "topic", "partition", "committed", "end", "lag"],
        [
            [r["consumer"], r["topic"], r["partition"], r["committed"], r["end"], r["lag"]]
            for r in rows
        ],
    )


@app.command()
def outbox() -> None:
    """Each service's outbox backlog and the age of its oldest unpublished event."""
    state = _call("GET", "/v1/health")
    _table(
        "outboxes",
        ["service", "unsent", "oldest (s)"],
        [[s, v["unsent"], v["oldest_age_seconds"]] for s, v in state["outbox"].items()],
    )


@dlq.command("list")
def dlq_list(
    topic: Annotated[str | None, typer.Option()] = None,
    consumer: Annotated[str | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option(help="dead, replayed or discarded")] = None,
) -> None:
    """Dead letters with their reason and status."""
    params = {
        k: v for k, v in {"topic": topic, "consumer": consumer, "status": status}.items() if v
    }
    rows = _call("GET", "/v1/dead-letters", params=params)
    _table(
        "dead letters",
        ["ref", "consumer", "event", "reason", "status"],
        [[r["ref"], r["consumer"], r["event_type"], r["reason"][:80], r["status"]] for r in rows],
    )


@dlq.command("show")
def dlq_show(ref: str) -> None:
    """One dead letter whole (REF = topic/partition/offset)."""
    console.print_json(json.dumps(_call("GET", f"/v1/dead-letters/{ref}")))


@dlq.command("replay")
def dlq_replay(
    ref: Annotated[str | None, typer.Argument()] = None,
    all_: Annotated[bool, typer.Option("--all", help="every dead letter still dead")] = False,
    topic: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Send a dead letter (or all still dead) back to its topic, after a fix."""
    if ref:
        found = _call("POST", f"/v1/dead-letters/{ref}/replay")
        console.print(f"replayed {found['ref']} to {found['original']}")
        return
    if not all_:
        raise typer.BadParameter("give a REF or --all")
    params = {"status": "dead", **({"topic": topic} if topic else {})}
    letters = _call("GET", "/v1/dead-letters", params=params)
    with _api() as api:
        for letter in track(letters, description="replaying"):
            api.post(f"/v1/dead-letters/{letter['ref']}/replay").raise_for_status()
    console.print(f"replayed {len(letters)}")


@dlq.command("discard")
def dlq_discard(ref: str, reason: Annotated[str, typer.Option()]) -> None:
    """Set a dead letter aside for good; the reason goes on record."""
    found = _call("POST", f"/v1/dead-letters/{ref}/discard", json={"reason": reason})
    console.print(f"discarded {found['ref']}")


@app.command("replay-projection")
def replay_projection(into: Annotated[str | None, typer.Option()] = None) -> None:
    """Rebuild the outcomes store from the topics (runs `python -m traintrack.outcomes replay`)."""
    command = [
        sys.executable,
        "-m",
        "traintrack.outcomes",
        "replay",
        *(["--into", into] if into else []),
    ]
    raise typer.Exit(subprocess.call(command))


@app.command()
def audit(service: Annotated[str, typer.Option()] = "operations", limit: int = 50) -> None:
    """Operator actions recorded by a service (operations: DLQ repairs)."""
    ports = {"enrollment": 8001, "evaluation": 8002, "matching": 8003, "outcomes": 8004}
    base = os.environ.get("TRAINTRACK_OPS_URL", "http://127.0.0.1:8005")
    if service in ports:
        base = f"http://127.0.0.1:{ports[service]}"
    with httpx.Client(base_url=base, headers={"X-API-Key": _key()}) as api:
        rows = api.get("/v1/audit", params={"limit": limit}).raise_for_status().json()
    _table(
        f"audit log of {service}",
        ["at", "who", "action", "target", "outcome"],
        [
            [r["at"], f"{r['role']}:{r['key_id']}", r["action"], r["target"], r["outcome"]]
            for r in rows
        ],
    )


keys = typer.Typer(help="API keys in the keyring file the services read (no restart).")
app.add_typer(keys, name="keys")
KeyringOption = Annotated[Path, typer.Option(help="the keyring file")]
MasterOption = Annotated[
    Path,
    typer.Option(help="the enrollment service's submission signing master secret file"),
]


@keys.command("issue")
def keys_issue(
    role: Role,
    tenant: str,
    keyring: KeyringOption = Path(".run/keyring.json"),
    signing_master: MasterOption = Path(".run/submission-signing-master"),
) -> None:
    """Issue a key; it is printed once and stored only as a hash. An institute's key comes
    with its signing secret for Kafka submissions, printed once too and stored nowhere.
    To rotate: issue the new key, switch the caller over, revoke the old one."""
    master = None
    if role is Role.INSTITUTE:
        try:  # before the key exists: no key without its secret
            master = load_master(signing_master, create=False)
        except (FileNotFoundError, ValueError) as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
    key, entry = add_key(keyring, role, tenant)
    console.print(f"key id {entry.key_id} ({role.value} {tenant}):")
    typer.echo(key)
    if master is not None:
        console.print("signing secret for Kafka submissions (TRAINTRACK_SIGNING_SECRET):")
        typer.echo(signing_secret(master, entry.key_id))


@keys.command("revoke")
def keys_revoke(key_id: str, keyring: KeyringOption = Path(".run/keyring.json")) -> None:
    """Refuse a key from the next request on, in every service."""
    try:
        revoke_key(keyring, key_id)
    except KeyError:
        console.print(f"[red]no key {key_id}[/red]")
        raise typer.Exit(1) from None
    console.print(f"revoked {key_id}")


@keys.command("list")
def keys_list(keyring: KeyringOption = Path(".run/keyring.json")) -> None:
    """Key ids with their role, tenant and whether revoked (never the keys)."""
    _table(
        "keys",
        ["key id", "role", "tenant", "revoked"],
        [[e.key_id, e.role.value, e.tenant, e.revoked] for e in list_keys(keyring)],
    )
