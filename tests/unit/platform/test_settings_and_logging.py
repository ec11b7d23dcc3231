import logging

import pytest
from opentelemetry.sdk.trace import TracerProvider
from pydantic import ValidationError

from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.platform.telemetry import LOG_FORMAT, TraceIdsFilter


def test_settings_come_from_the_service_prefix(monkeypatch):
    monkeypatch.setenv("ENROLLMENT_HTTP_PORT", "9123")
    monkeypatch.setenv("OUTCOMES_HTTP_PORT", "9999")
    assert EnrollmentSettings().http_port == 9123


def test_outside_development_the_development_password_is_refused(monkeypatch):
    monkeypatch.setenv("ENROLLMENT_ENVIRONMENT", "production")
    monkeypatch.setenv("ENROLLMENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("ENROLLMENT_KAFKA_USERNAME", "svc-enrollment")
    monkeypatch.setenv("ENROLLMENT_KAFKA_PASSWORD", "kafka-s3cret")
    with pytest.raises(ValidationError, match="development database password"):
        EnrollmentSettings()
    monkeypatch.setenv("ENROLLMENT_DATABASE_URL", "postgresql://svc:s3cret@db:5432/enrollment")
    assert EnrollmentSettings().environment == "production"


def test_log_lines_carry_the_current_trace_and_span_ids():
    tracer = TracerProvider().get_tracer("test")
    formatter = logging.Formatter(LOG_FORMAT)
    with tracer.start_as_current_span("work") as span:
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "hello", None, None)
        TraceIdsFilter().filter(record)
    context = span.get_span_context()
    line = formatter.format(record)
    assert f"trace_id={context.trace_id:032x}" in line
    assert f"span_id={context.span_id:016x}" in line
