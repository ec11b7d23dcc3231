"""JSON bodies read strictly: each refusal names the member it is about, and the limits
(bigint, double, depth) hold at the limit and refuse one past it."""

import json

import pytest

from traintrack.platform.web.json_bodies import INT_MAX, INT_MIN, MAX_DEPTH, refusal


def test_a_good_body_passes():
    body = {"a": [1, 2.5, -3, "x\ty", None, True], "b": {"c": "김서연"}, "n": 1e308}
    assert refusal(json.dumps(body).encode()) is None


def test_malformed_json_names_the_body_with_where_the_parser_stopped():
    field, message = refusal(b'{"name": "x",\n "seats": }')
    assert field == "body"
    assert message == "not JSON: Expecting value at line 2 column 11 (char 24)"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinities_are_refused_naming_the_member(constant):
    body = f'{{"stages": [{{"rubric": {{"weights": {{"code": {constant}}}}}}}]}}'
    field, message = refusal(body.encode())
    assert field == "stages.0.rubric.weights.code"
    assert constant in message


def test_a_number_beyond_a_double_is_refused_not_read_as_infinity():
    assert refusal(b'{"value": 1.7976931348623157e308}') is None
    assert refusal(b'{"value": 1e309}')[0] == "value"
    assert refusal(b'{"value": -1e309}')[0] == "value"


def test_integers_are_held_to_bigint_both_ends():
    assert refusal(f'{{"after": {INT_MAX}}}'.encode()) is None
    assert refusal(f'{{"after": {INT_MIN}}}'.encode()) is None
    assert refusal(f'{{"after": {INT_MAX + 1}}}'.encode())[0] == "after"
    assert refusal(f'{{"after": {INT_MIN - 1}}}'.encode())[0] == "after"


def test_a_five_thousand_digit_integer_names_its_field():
    field, message = refusal(b'{"birth_year": ' + b"9" * 5000 + b"}")
    assert field == "birth_year"
    assert "5000 digits" in message


def test_a_member_given_twice_is_refused():
    assert refusal(b'{"a": {"b": 1, "b": 2}}') == ("a.b", "given twice in one object")


def test_nul_and_lone_surrogates_are_refused_in_values_and_names():
    assert refusal(b'{"name": "a\\u0000b"}')[0] == "name"
    assert refusal(b'{"team": ["ok", "\\udc00"]}')[0] == "team.1"
    assert refusal(b'{"a\\u0000": 1}')[0] == "a\\u0000"
    assert refusal(b'{"pair": "\\ud83d\\ude00"}') is None  # a surrogate pair is one emoji


def test_a_body_that_is_not_utf8_is_refused():
    field, message = refusal('{"name": "é"}'.encode("latin-1"))
    assert field == "body" and message.startswith("not UTF-8")
    assert refusal('{"name": "é"}'.encode("utf-16"))[0] == "body"


def test_nesting_is_taken_to_its_limit_and_refused_one_past():
    assert refusal(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is None
    deeper = MAX_DEPTH + 1
    assert refusal(b"[" * deeper + b"]" * deeper) == ("body", "nested deeper than 32 levels")
    assert refusal(b"[" * 100_000 + b"]" * 100_000)[0] == "body"
