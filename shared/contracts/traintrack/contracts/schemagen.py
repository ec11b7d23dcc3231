"""JSON Schema files and an AsyncAPI 3 document, generated from the event contracts.

`schemas/events/` and `schemas/asyncapi.json` are what the contracts say now (`write`
regenerates them, `check` says whether they are stale). `schemas/released/` is the schema
set of the last release, changed only by `release`: every command refuses a contract set
that would break a consumer built against it (an event type removed, a field removed, a
new required field, a type changed); such a change needs a new event version (a new
`type`) instead.

    python -m traintrack.contracts.schemagen write | check | release
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from traintrack.contracts import REGISTRY, EventData, asyncapi

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
EVENTS_DIR = SCHEMA_DIR / "events"
ASYNCAPI_FILE = SCHEMA_DIR / "asyncapi.json"
RELEASED_DIR = SCHEMA_DIR / "released"
DESCRIPTIVE = {"description", "title", "examples", "default"}


def event_schema(contract: type[EventData]) -> dict[str, Any]:
    schema = _inline_enums(contract.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://traintrack.dev/schemas/events/{contract.type}.json"
    schema["title"] = contract.type
    schema["x-topic"] = contract.topic.base
    schema["x-partition-key"] = contract.key_field
    return schema


def _inline_enums(schema: dict[str, Any]) -> dict[str, Any]:
    """The vocabulary's enums written where they are used, as a list of values: pydantic
    makes each a `$defs` entry, which would change every published document for nothing."""
    definitions = schema.get("$defs", {})
    enums = {f"#/$defs/{name}": d for name, d in definitions.items() if "enum" in d}

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        if node.get("$ref") in enums:
            values = {k: v for k, v in enums[node["$ref"]].items() if k not in DESCRIPTIVE}
            return {**values, **{k: v for k, v in node.items() if k != "$ref"}}
        return {k: inline(v) for k, v in node.items()}

    def titled(name: str, node: Any) -> Any:
        inlined = inline(node)
        if inlined != node:  # pydantic titles a property unless it is a bare `$ref`
            inlined.setdefault("title", name.replace("_", " ").title())
        return inlined

    schema["properties"] = {n: titled(n, p) for n, p in schema.get("properties", {}).items()}
    remaining = {n: d for n, d in definitions.items() if f"#/$defs/{n}" not in enums}
    schema.pop("$defs", None)
    if remaining:
        schema["$defs"] = {n: inline(d) for n, d in remaining.items()}
    return schema


def _signature(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _signature(v) for k, v in schema.items() if k not in DESCRIPTIVE}
    if isinstance(schema, list):
        return [_signature(v) for v in schema]
    return schema


def breaking_changes(published: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What in `current` would break a consumer that validates against `published`: the
    changes "forward" compatibility (`topics.Compatibility`) rules out."""
    problems = []
    old_props, new_props = published.get("properties", {}), current.get("properties", {})
    old_required, new_required = (
        set(published.get("required", [])),
        set(current.get("required", [])),
    )
    for name in sorted(old_required - new_required):
        problems.append(f"required field {name!r} is no longer always sent")
    for name in sorted(new_required - old_required):
        problems.append(f"field {name!r} is newly required: events sent before lack it")
    for key in ("x-topic", "x-partition-key"):
        if published.get(key) != current.get(key):
            problems.append(f"{key} changed from {published.get(key)!r} to {current.get(key)!r}")
    for name, old in old_props.items():
        if name in new_props and _signature(old) != _signature(new_props[name]):
            problems.append(f"field {name!r} changed its type or constraints")
        elif name not in new_props:
            problems.append(f"field {name!r} was removed")
    for name, old in published.get("$defs", {}).items():
        if _signature(old) != _signature(current.get("$defs", {}).get(name)):
            problems.append(f"definition {name!r} changed")
    return problems


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


SchemaSet = dict[str, dict[str, Any]]  # event type -> its JSON Schema


def current_set() -> SchemaSet:
    return {c.type: event_schema(c) for c in REGISTRY.values()}


def released_set() -> SchemaSet:
    return {p.stem: json.loads(p.read_text()) for p in sorted(RELEASED_DIR.glob("*.json"))}


def incompatibilities(released: SchemaSet, current: SchemaSet) -> dict[str, list[str]]:
    """Per event type, what in `current` breaks a consumer built against `released`."""
    found = {}
    for event_type, published in released.items():
        if event_type not in current:
            found[event_type] = ["event type removed: consumers and stored events use it"]
        elif problems := breaking_changes(published, current[event_type]):
            found[event_type] = problems
    return found


def expected_files() -> dict[Path, str]:
    files = {EVENTS_DIR / f"{t}.json": _dump(s) for t, s in current_set().items()}
    files[ASYNCAPI_FILE] = _dump(asyncapi.document())
    return files


def stale_files() -> list[Path]:
    return [p for p, text in expected_files().items() if not p.exists() or p.read_text() != text]


def incompatible_contracts() -> dict[str, list[str]]:
    return incompatibilities(released_set(), current_set())


def release() -> None:
    """The current schema set becomes the baseline every later change is checked against."""
    RELEASED_DIR.mkdir(parents=True, exist_ok=True)
    for stale in RELEASED_DIR.glob("*.json"):
        stale.unlink()
    for event_type, schema in current_set().items():
        (RELEASED_DIR / f"{event_type}.json").write_text(_dump(schema))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    incompatible = incompatible_contracts()
    for event_type, problems in incompatible.items():
        sys.stderr.write(
            f"{event_type}: breaking change, publish a new version instead: {'; '.join(problems)}\n"
        )
    if incompatible:
        return 1
    if command in ("write", "release"):
        EVENTS_DIR.mkdir(parents=True, exist_ok=True)
        for path, text in expected_files().items():
            path.write_text(text)
        if command == "release":
            release()
        return 0
    stale = stale_files()
    for path in stale:
        sys.stderr.write(f"stale: {path} (run `make schemas`)\n")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
