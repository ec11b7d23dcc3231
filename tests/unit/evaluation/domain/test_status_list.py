"""The Bitstring Status List: bit order, the encoding verifiers expect, where each credential's
bit is, and the status list credential."""

import base64
import gzip
from datetime import UTC, datetime

import pytest

from traintrack.evaluation.domain import status_list
from traintrack.evaluation.domain.status_list import (
    SIZE,
    bitstring,
    decode,
    encode,
    is_set,
    place,
)

LAST = 131_071


def test_a_list_holds_the_specs_minimum_of_16_kb():
    assert SIZE == 131_072
    assert len(bitstring([])) == 16_384


def test_index_0_is_the_left_most_bit_and_the_last_index_the_right_most():
    bits = bitstring([0, LAST])
    assert bits[0] == 0b1000_0000
    assert bits[-1] == 0b0000_0001
    assert bits[1:-1] == bytes(16_382)
    assert bitstring([9])[1] == 0b0100_0000  # byte 1, second bit from the left


def test_is_set_reads_each_bit_at_the_boundaries():
    bits = bitstring([0, 7, 8, LAST])
    assert [is_set(bits, i) for i in (0, 1, 7, 8, 9, LAST - 1, LAST)] == [
        True,
        False,
        True,
        True,
        False,
        False,
        True,
    ]


@pytest.mark.parametrize("index", [-1, SIZE])
def test_an_index_outside_the_list_is_refused(index):
    with pytest.raises(IndexError):
        bitstring([index])
    with pytest.raises(IndexError):
        is_set(bitstring([]), index)


def test_the_encoded_list_is_multibase_base64url_of_the_gzipped_bits():
    encoded = encode(bitstring([3]))
    assert encoded.startswith("u") and "=" not in encoded
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert raw[:2] == b"\x1f\x8b"  # a GZIP member
    assert gzip.decompress(raw) == bitstring([3])
    assert decode(encoded) == bitstring([3])
    assert encode(bitstring([3])) == encoded  # the same bits, the same text


def test_a_text_without_the_multibase_prefix_is_refused():
    with pytest.raises(ValueError, match="prefix 'u'"):
        decode(encode(bitstring([]))[1:])


def test_each_credential_gets_its_own_bit_and_a_full_list_gives_way_to_the_next():
    places = [place(n) for n in range(SIZE)]
    assert {lst for lst, _ in places} == {0}
    assert sorted(index for _, index in places) == list(range(SIZE))  # each bit once
    assert place(SIZE)[0] == 1 and place(2 * SIZE - 1)[0] == 1 and place(2 * SIZE)[0] == 2
    assert place(SIZE)[1] == place(0)[1]  # the same spread in every list
    # spread, not handed out in order
    assert [place(n)[1] for n in range(3)] != [0, 1, 2]


def test_a_credentials_status_entry_names_its_list_and_index():
    assert status_list.entry("https://eval.test", 2, 0) == {
        "id": "https://eval.test/v1/status-lists/2#0",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "0",
        "statusListCredential": "https://eval.test/v1/status-lists/2",
    }


def test_the_status_list_credential_carries_the_encoded_bits():
    at = datetime(2027, 1, 2, 3, 4, 5, 678_000, tzinfo=UTC)
    claims = status_list.credential(issuer="https://eval.test", status_list=0, revoked=[5], at=at)
    subject = claims.pop("credentialSubject")
    assert claims == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://eval.test/v1/status-lists/0",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "https://eval.test",
        "validFrom": "2027-01-02T03:04:05Z",
        "iss": "https://eval.test",
        "jti": "https://eval.test/v1/status-lists/0",
        "nbf": 1798859045,
        "iat": 1798859045,
    }
    encoded = subject.pop("encodedList")
    assert subject == {
        "id": "https://eval.test/v1/status-lists/0#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "ttl": 300_000,
    }
    assert decode(encoded) == bitstring([5])
