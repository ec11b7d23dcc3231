"""The local dev stack (Kafka, PostgreSQL, Zipkin and the services as processes) and the
one copy of process start/stop that the tests and benchmarks use too."""
