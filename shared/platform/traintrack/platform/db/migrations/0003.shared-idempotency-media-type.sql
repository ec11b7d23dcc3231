-- depends: 0002.shared-idempotency
-- Every changing request takes an Idempotency-Key now: the few answers that are not JSON
-- are kept as text with their media type (NULL: the body is the JSON answer).
ALTER TABLE idempotency_keys ADD COLUMN media_type text;
