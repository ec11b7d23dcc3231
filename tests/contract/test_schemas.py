import copy
import json

from traintrack.contracts import REGISTRY, schemagen
from traintrack.contracts.enrollment import TraineeRegistered
from traintrack.contracts.topics import ALL_TOPICS


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
    assert names == set(REGISTRY)
    assert document["asyncapi"].startswith("3.")


PUBLISHED = schemagen.event_schema(TraineeRegistered)


def changed(edit):
    schema = copy.deepcopy(PUBLISHED)
    edit(schema)
    return schemagen.breaking_changes(PUBLISHED, schema)


def test_adding_an_optional_field_or_rewording_a_description_is_compatible():
    def edit(schema):
        schema["properties"]["cohort_hint"] = {"type": "string"}
        schema["properties"]["birth_year"]["description"] = "reworded"

    assert changed(edit) == []


def test_removing_a_required_field_breaks_older_consumers():
    def edit(schema):
        del schema["properties"]["region_code"]
        schema["required"].remove("region_code")

    assert any("region_code" in p for p in changed(edit))


def test_changing_a_field_type_breaks_older_consumers():
    def edit(schema):
        schema["properties"]["birth_year"] = {"type": "string"}

    assert changed(edit) == ["field 'birth_year' changed its type or constraints"]


def test_making_a_required_field_optional_breaks_older_consumers():
    def edit(schema):
        schema["required"].remove("status")

    assert changed(edit) == ["required field 'status' is no longer always sent"]


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
