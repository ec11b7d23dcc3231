"""Webhook signatures."""

from traintrack.matching.domain import signatures


def test_a_webhook_signature_verifies_with_the_secret_and_a_fresh_timestamp_only():
    body, now = b'{"entries": []}', 1_800_000_000
    value = signatures.header(["whsec_new", "whsec_old"], now, body)
    assert signatures.verify("whsec_new", value, body, now=now + 10)
    assert signatures.verify("whsec_old", value, body, now=now)  # during a rotation
    assert not signatures.verify("whsec_other", value, body, now=now)
    assert not signatures.verify("whsec_new", value, body + b" ", now=now)
    assert not signatures.verify("whsec_new", value, body, now=now + 301)
    assert not signatures.verify("whsec_new", "v1=abc", body, now=now)
