"""The shared field types at their edges: an id of 64 characters and not 65, a name with no
control character, a text with tab and newlines and nothing else, days of 1900-2100."""

from datetime import UTC, date, datetime

import pytest
from pydantic import BaseModel, ValidationError

from traintrack.contracts.fields import Day, Id, Moment, Name, Slug, Text


class Sample(BaseModel):
    id: Id | None = None
    slug: Slug | None = None
    name: Name | None = None
    text: Text | None = None
    day: Day | None = None
    moment: Moment | None = None


def refused(**fields) -> str:
    with pytest.raises(ValidationError) as caught:
        Sample(**fields)
    (error,) = caught.value.errors()
    return ".".join(map(str, error["loc"]))


def test_an_id_is_at_most_64_characters_of_its_grammar():
    assert Sample(id="a" * 64).id == "a" * 64
    assert refused(id="a" * 65) == "id"
    assert refused(id="") == "id"
    for bad in ("a b", "a/b", "a%00", "a\x00", "ä", "a:b"):
        assert refused(id=bad) == "id", bad
    assert Sample(id="tr-0123456789abcdef0123.x_Y").id == "tr-0123456789abcdef0123.x_Y"


def test_a_slug_is_a_lower_case_id_of_two_or_more():
    assert Sample(slug="ab").slug == "ab"
    assert refused(slug="a") == "slug"
    assert refused(slug="Ab") == "slug"
    assert refused(slug="a" * 65) == "slug"


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\r", "\n", "\t", "\x7f", "\x85", "\u2028"])
def test_a_name_refuses_every_control_character(char):
    assert refused(name=f"Kim{char}Seo-yeon") == "name"


def test_a_name_keeps_letters_of_any_script_and_spaces():
    assert Sample(name="김서연 Kim-Seo 'yeon'").name == "김서연 Kim-Seo 'yeon'"


def test_a_text_takes_tab_and_line_ends_and_no_other_control_character():
    assert Sample(text="one\ttwo\r\nthree\n").text == "one\ttwo\r\nthree\n"
    for char in ("\x00", "\x1b", "\x08", "\x0b", "\x0c", "\x7f", "\x9f"):
        assert refused(text=f"a{char}b") == "text", repr(char)


def test_a_day_is_within_1900_and_2100_both_ends_included():
    assert Sample(day=date(1900, 1, 1)).day == date(1900, 1, 1)
    assert Sample(day=date(2100, 12, 31)).day == date(2100, 12, 31)
    assert refused(day=date(1899, 12, 31)) == "day"
    assert refused(day=date(2101, 1, 1)) == "day"
    assert refused(day="9999-12-31") == "day"


def test_a_moment_is_held_to_the_same_days():
    assert Sample(moment=datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)).moment is not None
    assert Sample(moment=datetime(1900, 1, 1, tzinfo=UTC)).moment is not None
    assert refused(moment=datetime(2101, 1, 1, tzinfo=UTC)) == "moment"
    assert refused(moment=datetime(1899, 12, 31, 23, 59, 59, tzinfo=UTC)) == "moment"


@pytest.mark.parametrize("field", ["day", "moment"])
@pytest.mark.parametrize("number", [0, 0.5, "0", "0.5", "1700000000", "2024-1-1"])
def test_a_day_or_moment_is_iso_text_never_seconds_since_1970(field, number):
    assert refused(**{field: number}) == field


def test_a_day_or_moment_as_iso_text_is_read():
    assert Sample(day="2024-02-29").day == date(2024, 2, 29)
    assert Sample(moment="2024-02-29T09:00:00Z").moment == datetime(2024, 2, 29, 9, tzinfo=UTC)


def test_the_schema_says_what_the_validation_does():
    properties = Sample.model_json_schema()["properties"]
    assert properties["name"]["anyOf"][0]["pattern"].startswith("^[^\\u0000-\\u001f")
    assert properties["text"]["anyOf"][0]["pattern"].startswith("^[^\\u0000-\\u0008")
    assert properties["id"]["anyOf"][0]["maxLength"] == 64
