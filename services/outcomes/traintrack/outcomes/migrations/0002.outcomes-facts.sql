-- depends: 0001.outcomes-enrollment-projection
-- Every event the indicators need, as it arrived: the indicators are computed from these
-- as known on any date. `known_at` is the event's own time (when the platform learnt the
-- fact), so a replay from the topics rebuilds exactly the same rows; `recorded_at` is
-- when this store received it.
CREATE TABLE facts (
    event_id    text PRIMARY KEY,
    kind        text NOT NULL,
    subject     text NOT NULL,
    known_at    timestamptz NOT NULL,
    data        jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX facts_known_at ON facts (known_at);
CREATE INDEX facts_subject ON facts (subject);
