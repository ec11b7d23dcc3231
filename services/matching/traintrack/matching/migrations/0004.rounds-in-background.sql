-- depends: 0003.pool-per-enrollment
-- A round too large for one request is solved by the API's background loop: the round
-- shows 'solving' meanwhile, and its progress. Every solved round keeps its summary.
ALTER TABLE rounds ADD COLUMN result jsonb;

-- Written outside the solving transaction (so it is seen while the round is solved, and
-- stays when an attempt fails); no foreign key, whose check would wait for the round row
-- the solving transaction holds.
CREATE TABLE round_progress (
    round_id   text PRIMARY KEY,
    phase      text NOT NULL,
    step       integer NOT NULL,
    steps      integer NOT NULL,
    pairs      integer NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    error      text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Who applied to an opening (`opening_ids @> ARRAY[...]`) without reading every ranking.
CREATE INDEX candidate_preferences_openings ON candidate_preferences USING gin (opening_ids);
