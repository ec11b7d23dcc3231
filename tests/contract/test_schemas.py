import copy
import json

from traintrack.contracts import REGISTRY, schemagen
from traintrack.contracts.codec import KafkaRecord
from traintrack.contracts.enrollment import EnrollmentCompleted, TraineeRegistered
from traintrack.contracts.topics import ALL_TOPICS
from traintrack.platform.messaging import dlq


def test_checked_in_schema_and_asyncapi_files_match_the_contracts():
    assert schemagen.stale_files() == [], "run `make schemas` and commit the result"


def test_no_contract_breaks_its_published_schema():
    assert schemagen.incompatible_contracts() == {}


def test_every_contract_has_a_published_schema_naming_its_topic_and_key():
    for event_type, contract in REGISTRY.items():
        published = json.loads((schemagen.EVENTS_DIR / f"{event_type}.json").read_text())
        assert published["x-topic"] == contract.topic.base
        assert published["x-partition-key"] in published["required"]


def test_asyncapi_lists_every_topic_and_its_dlq_and_every_event_type():
    document = json.loads(schemagen.ASYNCAPI_FILE.read_text())
    addresses = {c["address"] for c in document["channels"].values()}
    assert addresses == {n for t in ALL_TOPICS for n in (t.base, f"{t.base}.dlq")}
    names = {m["name"] for m in document["components"]["messages"].values()}
    assert names == {*REGISTRY, "dead-letter"}
    assert document["asyncapi"].startswith("3.")


def test_asyncapi_names_every_header_the_dead_letter_writer_adds():
    document = json.loads(schemagen.ASYNCAPI_FILE.read_text())
    delivery = dlq.Delivery("enrollment.events.v1", 2, 41, KafkaRecord(b"k", b"{", [("x", b"")]))
    written = dlq.dead_letter_headers(delivery, consumer="outcomes", error=ValueError("bad"))
    added = {name for name, _ in written if name.startswith("dlq-")}
    headers = document["components"]["messages"]["dead-letter"]["headers"]
    assert set(headers["required"]) == added
    truncation = {"dlq-truncated", "dlq-original-value-bytes", "dlq-original-value-sha256"}
    assert set(headers["properties"]) == added | truncation | {"dlq-original-headers"}
    for channel in document["channels"].values():
        if channel["address"].endswith(".dlq"):
            assert channel["messages"] == {
                "dead-letter": {"$ref": "#/components/messages/dead-letter"}
            }


def test_asyncapi_names_every_cloudevents_header_a_producer_sends():
    from tests.utils import factories
    from traintrack.contracts import codec

    document = json.loads(schemagen.ASYNCAPI_FILE.read_text())
    messages = document["components"]["messages"]
    for event_type, sample in factories.samples().items():
        record = codec.encode(codec.to_cloudevent(sample, source="/t"))
        sent = {name for name, _ in record.headers}
        headers = messages[event_type.replace(".", "-")]["headers"]
        assert set(headers["required"]) - {"ce_ttkeyid", "ce_ttsignature"} <= sent, event_type
        assert sent <= set(headers["properties"]), event_type
    submission = messages["traintrack-institute-record-attendance-v1"]["headers"]
    assert {"ce_ttkeyid", "ce_ttsignature"} <= set(submission["required"])


# The breaking-change check: the contracts as they are now against the stored schema set
# of the last release (schemas/released/, changed only by `schemagen release`).
RELEASED = schemagen.released_set()
REGISTERED = TraineeRegistered.type


def test_the_released_baseline_is_stored_and_the_contracts_keep_it():
    assert set(RELEASED) <= set(REGISTRY)
    assert REGISTERED in RELEASED
    assert schemagen.incompatibilities(RELEASED, schemagen.current_set()) == {}


def changed(edit):
    """The current schema set with `edit` applied, checked against the release."""
    current = copy.deepcopy(schemagen.current_set())
    edit(current)
    return schemagen.incompatibilities(RELEASED, current)


def test_adding_an_optional_field_or_rewording_a_description_is_compatible():
    def edit(current):
        current[REGISTERED]["properties"]["cohort_hint"] = {"type": "string"}
        current[REGISTERED]["properties"]["birth_year"]["description"] = "reworded"

    assert changed(edit) == {}


def test_adding_a_new_event_type_is_compatible():
    def edit(current):
        current["traintrack.enrollment.trainee-registered.v2"] = current[REGISTERED]

    assert changed(edit) == {}


def test_a_new_required_field_is_refused():
    def edit(current):
        current[REGISTERED]["properties"]["cohort_hint"] = {"type": "string"}
        current[REGISTERED]["required"].append("cohort_hint")

    assert changed(edit) == {
        REGISTERED: ["field 'cohort_hint' is newly required: events sent before lack it"]
    }


def test_a_removed_optional_field_is_refused():
    completed = EnrollmentCompleted.type
    assert "hired_on" not in RELEASED[completed]["required"]

    def edit(current):
        del current[completed]["properties"]["hired_on"]

    assert changed(edit) == {completed: ["field 'hired_on' was removed"]}


def test_a_removed_required_field_is_refused():
    def edit(current):
        del current[REGISTERED]["properties"]["region_code"]
        current[REGISTERED]["required"].remove("region_code")

    assert changed(edit) == {
        REGISTERED: [
            "required field 'region_code' is no longer always sent",
            "field 'region_code' was removed",
        ]
    }


def test_a_removed_event_type_is_refused():
    def edit(current):
        del current[REGISTERED]

    assert changed(edit) == {REGISTERED: ["event type removed: consumers and stored events use it"]}


def test_changing_a_field_type_is_refused():
    def edit(current):
        current[REGISTERED]["properties"]["birth_year"] = {"type": "string"}

    assert changed(edit) == {REGISTERED: ["field 'birth_year' changed its type or constraints"]}


def test_making_a_required_field_optional_is_refused():
    def edit(current):
        current[REGISTERED]["required"].remove("status")

    assert changed(edit) == {REGISTERED: ["required field 'status' is no longer always sent"]}


def test_the_command_checks_against_the_stored_release_not_the_files_it_writes(
    tmp_path, monkeypatch
):
    """A release that had a field the contracts no longer have: `check` and `write` refuse,
    whatever schemas/events/ holds (write regenerates those files, so they prove nothing)."""
    released = copy.deepcopy(RELEASED)
    released[REGISTERED]["properties"]["legacy_code"] = {"type": "string"}
    for event_type, schema in released.items():
        (tmp_path / f"{event_type}.json").write_text(json.dumps(schema))
    monkeypatch.setattr(schemagen, "RELEASED_DIR", tmp_path)
    monkeypatch.setattr(schemagen, "EVENTS_DIR", tmp_path / "never-written")
    assert schemagen.main(["schemagen", "check"]) == 1
    assert schemagen.main(["schemagen", "write"]) == 1
    assert not (tmp_path / "never-written").exists()


def test_published_schemas_are_valid_and_accept_what_producers_send():
    from jsonschema import Draft202012Validator

    from tests.utils import factories

    samples = factories.samples()
    assert set(samples) == set(REGISTRY), "add a sample for every new contract"
    for event_type, sample in samples.items():
        schema = json.loads((schemagen.EVENTS_DIR / f"{event_type}.json").read_text())
        Draft202012Validator.check_schema(schema)
        Draft202012Validator(schema).validate(sample.model_dump(mode="json"))


def test_every_contract_round_trips_through_the_codec():
    from tests.utils import factories
    from traintrack.contracts import codec

    for sample in factories.samples().values():
        envelope = codec.decode(codec.encode(codec.to_cloudevent(sample, source="/t")))
        assert envelope.data == sample
