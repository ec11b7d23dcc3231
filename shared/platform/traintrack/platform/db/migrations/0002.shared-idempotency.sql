-- depends: 0001.shared-audit
-- Idempotency-Key: the first answer to a creating request, written in the transaction of
-- its effect, so a client retrying after a timeout or a crash gets it back instead of a
-- second trainee, enrollment or report.
CREATE TABLE idempotency_keys (
    scope        text NOT NULL,      -- role:tenant METHOD path
    key          text NOT NULL,
    fingerprint  text NOT NULL,      -- sha256 of the request body
    status       integer NOT NULL,
    body         jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
