"""The matching service's webhook settings: the allow-list is for development only, and
the guard built from them asks for https everywhere else."""

import pytest
from pydantic import ValidationError

from traintrack.matching.adapters.outbound import system_resolver
from traintrack.matching.bootstrap import outbound_guard
from traintrack.matching.settings import MatchingSettings

PRODUCTION = {
    "environment": "production",
    "database_url": "postgresql://m@db/matching",
    "platform_urls": "https://api.traintrack.example,https://ops.traintrack.example",
    "kafka_security_protocol": "SASL_SSL",
    "kafka_username": "svc-matching",
    "kafka_password": "kafka-s3cret",
}


def test_the_allow_list_is_refused_outside_development():
    with pytest.raises(ValidationError, match="MATCHING_WEBHOOK_ALLOWED_HOSTS"):
        MatchingSettings(**PRODUCTION, webhook_allowed_hosts="127.0.0.1:8123")
    MatchingSettings(**PRODUCTION, webhook_allowed_hosts=" ")


def test_outside_development_webhooks_need_https_and_no_origin_is_let_through():
    guard = outbound_guard(MatchingSettings(**PRODUCTION), resolver=system_resolver)
    assert guard.policy.require_https is True
    assert guard.policy.allowed == frozenset()


def test_in_development_plain_http_and_the_allow_list_given_and_the_platforms_own():
    settings = MatchingSettings(webhook_allowed_hosts="127.0.0.1:8123, [::1]:8123")
    guard = outbound_guard(settings, resolver=system_resolver)
    assert guard.policy.require_https is False
    assert guard.policy.allowed == {"127.0.0.1:8123", "[::1]:8123"}
    assert "127.0.0.1:8005" in guard.policy.own  # the operator API


def test_outside_development_the_platforms_own_urls_must_be_given():
    left_at_development = {k: v for k, v in PRODUCTION.items() if k != "platform_urls"}
    with pytest.raises(ValidationError, match="MATCHING_PLATFORM_URLS"):
        MatchingSettings(**left_at_development)
    guard = outbound_guard(MatchingSettings(**PRODUCTION), resolver=system_resolver)
    assert "ops.traintrack.example" in str(guard.policy.own)
