"""Path and query parameters held at the edge: ids by their grammar up to 64 characters,
other query values without control characters up to 256."""

from traintrack.platform.web.parameters import QUERY_MAX, refusals


def fields(path=(), query=()):
    return [(e["loc"][0], e["loc"][1]) for e in refusals(path, query)]


def test_path_ids_are_taken_at_64_characters_and_refused_at_65():
    assert fields(path=[("opening_id", "o" * 64)]) == []
    assert fields(path=[("opening_id", "o" * 65)]) == [("path", "opening_id")]


def test_path_ids_outside_the_grammar_are_refused():
    for bad in ("o\x00x", "a b", "é", "a\x1b", "a:b", ""):
        assert fields(path=[("trainee_id", bad)]) == [("path", "trainee_id")], repr(bad)
    assert fields(path=[("topic", "test-edge.institute.submissions.v1.dlq")]) == []


def test_query_ids_follow_the_id_grammar():
    assert fields(query=[("trainee_id", "tr-1")]) == []
    assert fields(query=[("trainee_id", "\x00")]) == [("query", "trainee_id")]
    assert fields(query=[("firm_id", "a b")]) == [("query", "firm_id")]


def test_other_query_values_are_taken_to_256_characters_without_control_characters():
    assert fields(query=[("group", "g" * QUERY_MAX)]) == []
    assert fields(query=[("group", "g" * (QUERY_MAX + 1))]) == [("query", "group")]
    assert fields(query=[("group", "region:11, track")]) == []
    for char in ("\x00", "\t", "\n", "\r", "\x1b", "\x7f"):
        assert fields(query=[("group", f"a{char}")]) == [("query", "group")], repr(char)


def test_a_parameter_name_with_a_control_character_is_named_escaped():
    assert fields(query=[("x\x1b", "1")]) == [("query", "x\\x1b")]


def test_every_bad_parameter_is_named_at_once():
    named = fields(path=[("round_id", "r\x00")], query=[("as_of", "\x00"), ("limit", "5")])
    assert named == [("path", "round_id"), ("query", "as_of")]


def test_a_query_value_that_reads_as_a_day_is_held_to_1900_2100_whatever_the_route():
    for taken in ("1900-01-01", "2100-12-31", "2100-12-31T23:59:59Z", "2026-02-30", "all"):
        assert fields(query=[("as_of", taken)]) == [], taken
    for refused in ("1899-12-31", "2101-01-01", "9999-12-31", "0001-01-01T00:00:00+09:00"):
        assert fields(query=[("as_of", refused)]) == [("query", "as_of")], refused
