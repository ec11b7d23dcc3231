-- depends: 0001.matching
-- One seat per candidate and opening, whatever races the checks in code lose.
CREATE UNIQUE INDEX offers_one_seat ON offers (opening_id, trainee_id)
    WHERE status IN ('pending', 'accepted');
-- The latest applied-project rubric score from each side; the candidate's score is their mean.
ALTER TABLE candidates ADD COLUMN rubric jsonb NOT NULL DEFAULT '{}';
