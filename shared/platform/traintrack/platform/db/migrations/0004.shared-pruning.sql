-- depends: 0003.shared-idempotency-media-type
-- Pruning (messaging/pruning.py) finds sent outbox rows by when they were sent, and a
-- consumer's old inbox claims by when they were made, without reading the whole table.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX inbox_processed ON inbox (consumer, processed_at);
