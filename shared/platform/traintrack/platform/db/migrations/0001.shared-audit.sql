-- depends: 0000.shared-outbox-inbox
-- Every operator action on this service (and, in the operations service, DLQ repairs):
-- who, what, when. Written by the HTTP layer after the response; never updated.
CREATE TABLE audit_log (
    audit_id    bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    key_id      text NOT NULL,
    role        text NOT NULL,
    tenant      text NOT NULL,
    action      text NOT NULL,
    target      text NOT NULL,
    outcome     integer NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
