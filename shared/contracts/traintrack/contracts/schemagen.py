"""JSON Schema files and an AsyncAPI 3 document, generated from the event contracts.

The checked-in files are the published contracts. `write` regenerates them but refuses
a change that would break a consumer built against the published version: such a
change needs a new event version (a new `type`) instead.

    python -m traintrack.contracts.schemagen write | check
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from traintrack.contracts import REGISTRY, EventData
from traintrack.contracts.topics import ALL_TOPICS

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
EVENTS_DIR = SCHEMA_DIR / "events"
ASYNCAPI_FILE = SCHEMA_DIR / "asyncapi.json"
DESCRIPTIVE = {"description", "title", "examples", "default"}

CE_HEADERS = {
    "type": "object",
    "required": ["ce_id", "ce_source", "ce_type", "ce_specversion", "content-type"],
    "properties": {
        "ce_id": {"type": "string"},
        "ce_source": {"type": "string"},
        "ce_type": {"type": "string"},
        "ce_specversion": {"const": "1.0"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string"},
        "ce_partitionkey": {"type": "string"},
        "content-type": {"const": "application/json"},
        "traceparent": {"type": "string", "description": "W3C trace context"},
        "tracestate": {"type": "string"},
    },
}


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


def asyncapi() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in ALL_TOPICS:
        channel_id = topic.base.replace(".", "-")
        contracts = sorted((c for c in REGISTRY.values() if c.topic == topic), key=lambda c: c.type)
        refs = {}
        for contract in contracts:
            message_id = contract.type.replace(".", "-")
            messages[message_id] = {
                "name": contract.type,
                "title": contract.__name__,
                "summary": (contract.__doc__ or "").strip(),
                "contentType": "application/json",
                "headers": CE_HEADERS,
                "payload": {"$ref": f"events/{contract.type}.json"},
                "bindings": {"kafka": {"key": {"type": "string", "description": topic.key}}},
            }
            refs[message_id] = {"$ref": f"#/components/messages/{message_id}"}
        channels[channel_id] = {
            "address": topic.base,
            "description": topic.description,
            "messages": refs,
            "bindings": {"kafka": {"partitions": topic.partitions}},
            "x-compatibility": topic.compatibility,
        }
        channels[f"{channel_id}-dlq"] = {
            "address": f"{topic.base}.dlq",
            "description": f"Dead letters of {topic.base}: the original message with "
            "dlq-reason, dlq-consumer and dlq-original-* headers.",
        }
        operations[f"publish-{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"Written by {topic.writer} only.",
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in refs],
        }
        for reader in topic.readers:
            operations[f"{reader}-reads-{channel_id}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "summary": f"Read by the {reader} consumer (its consumer group by default).",
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in refs],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "traintrack events",
            "version": "1",
            "description": "Every topic of the platform. CloudEvents 1.0, Kafka binary "
            "mode: the value is the JSON data, attributes are ce_* "
            "headers, the key is the partitionkey extension.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


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
    new_required = set(current.get("required", []))
    for name in published.get("required", []):
        if name not in new_required:
            problems.append(f"required field {name!r} is no longer always sent")
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


def expected_files() -> dict[Path, str]:
    files = {EVENTS_DIR / f"{c.type}.json": _dump(event_schema(c)) for c in REGISTRY.values()}
    files[ASYNCAPI_FILE] = _dump(asyncapi())
    return files


def stale_files() -> list[Path]:
    return [p for p, text in expected_files().items() if not p.exists() or p.read_text() != text]


def incompatible_contracts() -> dict[str, list[str]]:
    found = {}
    for contract in REGISTRY.values():
        published = EVENTS_DIR / f"{contract.type}.json"
        if published.exists():
            problems = breaking_changes(json.loads(published.read_text()), event_schema(contract))
            if problems:
                found[contract.type] = problems
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    incompatible = incompatible_contracts()
    for event_type, problems in incompatible.items():
        sys.stderr.write(
            f"{event_type}: breaking change, publish a new version instead: {'; '.join(problems)}\n"
        )
    if incompatible:
        return 1
    if command == "write":
        EVENTS_DIR.mkdir(parents=True, exist_ok=True)
        for path, text in expected_files().items():
            path.write_text(text)
        return 0
    stale = stale_files()
    for path in stale:
        sys.stderr.write(f"stale: {path} (run `make schemas`)\n")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
