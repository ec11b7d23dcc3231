-- The transactional outbox and the idempotent-consumer inbox, in every service's database.

CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    topic        text NOT NULL,
    partition_key text NOT NULL,
    event_type   text NOT NULL,
    source       text NOT NULL,
    subject      text,
    event_time   timestamptz NOT NULL,
    data         jsonb NOT NULL,
    traceparent  text,
    tracestate   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE inbox (
    consumer     text NOT NULL,
    event_id     text NOT NULL,
    event_type   text NOT NULL,
    topic        text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset bigint NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
