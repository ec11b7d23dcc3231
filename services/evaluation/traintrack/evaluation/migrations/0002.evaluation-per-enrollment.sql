-- depends: 0001.evaluation
-- The enrollment (trainee x cohort) is the unit of truth. Until now `trainees` held one
-- enrollment per trainee (a second enrollment overwrote the first) and evidence, decisions
-- and credentials were keyed by trainee. From here:
--   * `enrollments` keeps every enrollment with its own attendance and ending;
--   * evidence and credentials name their enrollment;
--   * `stage_decisions` is an append-only history; `current_decisions` derives the state;
--   * each cohort pins the scheme version it is decided under.

CREATE TABLE enrollments (
    enrollment_id   text PRIMARY KEY,
    trainee_id      text NOT NULL,
    cohort_id       text NOT NULL,
    institute_id    text NOT NULL,
    attendance_rate double precision,
    ending          text CHECK (ending IN ('completed', 'dropped', 'not_completed')),
    seq             bigserial NOT NULL
);
CREATE INDEX enrollments_trainee ON enrollments (trainee_id, seq);
CREATE INDEX enrollments_cohort ON enrollments (cohort_id);

-- A trainee who re-enrolled had their row replaced by the new course (enrollment, cohort,
-- completed = false) without being decided again, so the row may not be the course their
-- evidence, decisions and credential come from. An active credential needed stage 4
-- passed, which needed the course completed: an active credential on a row not completed
-- is a former course's, and no fact of the new course arrived since (its first attendance
-- would have re-decided and revoked it). That former course becomes an enrollment of its
-- own, 'migrated-' || trainee_id, completed, keeping the last rate (the former course's),
-- in the programme of the project the trainee was first assessed on, and in its cohort when
-- that programme has exactly one cohort besides the new course's ('unknown' otherwise).
-- The new course's enrollment starts fresh: no rate, no evidence, no decision.
CREATE TABLE moved_on AS
SELECT t.trainee_id, 'migrated-' || t.trainee_id AS enrollment_id,
       coalesce(c.cohort_id, 'unknown') AS cohort_id,
       coalesce(c.institute_id, p.institute_id, t.institute_id) AS institute_id,
       p.programme_id, t.attendance_rate
FROM trainees t
LEFT JOIN LATERAL (
    SELECT p.programme_id, p.institute_id FROM assessments a JOIN projects p USING (project_id)
    WHERE a.trainee_id = t.trainee_id ORDER BY a.seq LIMIT 1) p ON true
LEFT JOIN LATERAL (
    SELECT min(c.cohort_id) AS cohort_id, min(c.institute_id) AS institute_id FROM cohorts c
    WHERE c.programme_id = p.programme_id AND c.cohort_id <> t.cohort_id
    HAVING count(*) = 1) c ON true
WHERE NOT t.completed
  AND EXISTS (SELECT 1 FROM credentials k WHERE k.trainee_id = t.trainee_id
              AND k.revoked_at IS NULL);

-- Where each trainee's facts so far belong.
CREATE TABLE facts_of AS
SELECT t.trainee_id, coalesce(m.enrollment_id, t.enrollment_id) AS enrollment_id,
       coalesce(m.cohort_id, t.cohort_id) AS cohort_id
FROM trainees t LEFT JOIN moved_on m USING (trainee_id);

-- Existing rows: the former courses first (earlier in a trainee's order), then the one
-- enrollment each trainee row held.
INSERT INTO enrollments (enrollment_id, trainee_id, cohort_id, institute_id, attendance_rate,
                         ending)
SELECT enrollment_id, trainee_id, cohort_id, institute_id, attendance_rate, 'completed'
FROM moved_on ORDER BY trainee_id;
INSERT INTO enrollments (enrollment_id, trainee_id, cohort_id, institute_id, attendance_rate,
                         ending)
SELECT t.enrollment_id, t.trainee_id, t.cohort_id, t.institute_id,
       CASE WHEN m.trainee_id IS NULL THEN t.attendance_rate END,
       CASE WHEN t.completed THEN 'completed' WHEN t.dropped THEN 'dropped' END
FROM trainees t LEFT JOIN moved_on m USING (trainee_id) ORDER BY t.trainee_id;

-- Evidence names its enrollment.
ALTER TABLE observations ADD COLUMN enrollment_id text;
UPDATE observations o SET enrollment_id = f.enrollment_id
FROM facts_of f WHERE f.trainee_id = o.trainee_id;
DELETE FROM observations WHERE enrollment_id IS NULL;  -- none: evidence needed the trainee
ALTER TABLE observations ALTER COLUMN enrollment_id SET NOT NULL;
CREATE INDEX observations_enrollment ON observations (enrollment_id, seq);

ALTER TABLE assessments ADD COLUMN enrollment_id text;
UPDATE assessments a SET enrollment_id = f.enrollment_id
FROM facts_of f WHERE f.trainee_id = a.trainee_id;
DELETE FROM assessments WHERE enrollment_id IS NULL;
ALTER TABLE assessments ALTER COLUMN enrollment_id SET NOT NULL;
CREATE INDEX assessments_enrollment ON assessments (enrollment_id, seq);

-- The scheme version each cohort is decided under, pinned when it opens (or at its first
-- decision); moving it is an operator action.
ALTER TABLE cohorts ADD COLUMN scheme_id text, ADD COLUMN scheme_version integer;
UPDATE cohorts c SET scheme_id = d.scheme_id, scheme_version = d.scheme_version
FROM (SELECT DISTINCT ON (f.cohort_id) f.cohort_id, d.scheme_id, d.scheme_version
      FROM decisions d JOIN facts_of f USING (trainee_id)
      ORDER BY f.cohort_id, d.decided_at) d
WHERE d.cohort_id = c.cohort_id;
UPDATE cohorts c SET scheme_id = p.scheme_id, scheme_version = p.version
FROM programme_schemes p WHERE p.programme_id = c.programme_id AND c.scheme_id IS NULL;

-- Every decision, kept: a re-decision that changes anything appends a row.
CREATE TABLE stage_decisions (
    decision_id    bigserial PRIMARY KEY,
    enrollment_id  text NOT NULL,
    trainee_id     text NOT NULL,
    stage          integer NOT NULL,
    status         text NOT NULL,
    attempt        integer NOT NULL,
    attempts_left  integer NOT NULL,
    scheme_id      text NOT NULL,
    scheme_version integer NOT NULL,
    rubric_score   double precision,
    missing        text[] NOT NULL,
    shortfalls     text[] NOT NULL,
    decided_at     timestamptz NOT NULL DEFAULT now(),
    trigger        text NOT NULL
);
CREATE INDEX stage_decisions_enrollment ON stage_decisions (enrollment_id, stage, decision_id);

INSERT INTO stage_decisions (enrollment_id, trainee_id, stage, status, attempt, attempts_left,
                             scheme_id, scheme_version, rubric_score, missing, shortfalls,
                             decided_at, trigger)
SELECT f.enrollment_id, d.trainee_id, d.stage, d.status, d.attempt, d.attempts_left,
       d.scheme_id, d.scheme_version, d.rubric_score, d.missing, d.shortfalls, d.decided_at,
       'migrated'
FROM decisions d JOIN facts_of f USING (trainee_id)
ORDER BY d.decided_at, d.trainee_id, d.stage;

CREATE FUNCTION stage_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stage_decisions is append-only';
END $$;
CREATE TRIGGER stage_decisions_append_only BEFORE UPDATE OR DELETE ON stage_decisions
    FOR EACH ROW EXECUTE FUNCTION stage_decisions_append_only();

CREATE VIEW current_decisions AS
SELECT DISTINCT ON (enrollment_id, stage) *
FROM stage_decisions ORDER BY enrollment_id, stage, decision_id DESC;

-- A credential belongs to one enrollment, its programme and scheme version. A manual
-- revocation is final until an operator reinstates it.
ALTER TABLE credentials
    ADD COLUMN enrollment_id text,
    ADD COLUMN programme_id text,
    ADD COLUMN scheme_id text,
    ADD COLUMN scheme_version integer,
    ADD COLUMN revocation_cause text CHECK (revocation_cause IN ('manual', 'basis_withdrawn')),
    ADD COLUMN reinstated_at timestamptz,
    ADD COLUMN reinstatement_reason text;
UPDATE credentials k SET enrollment_id = f.enrollment_id,
    programme_id = coalesce(m.programme_id, c.programme_id)
FROM facts_of f LEFT JOIN moved_on m USING (trainee_id) LEFT JOIN cohorts c
    ON c.cohort_id = f.cohort_id
WHERE f.trainee_id = k.trainee_id;
UPDATE credentials k SET scheme_id = d.scheme_id, scheme_version = d.scheme_version
FROM decisions d WHERE d.trainee_id = k.trainee_id AND d.stage = 1;
UPDATE credentials SET revocation_cause = CASE
    WHEN revocation_reason LIKE 'basis no longer holds%' THEN 'basis_withdrawn' ELSE 'manual' END
WHERE revoked_at IS NOT NULL;
CREATE INDEX credentials_enrollment ON credentials (enrollment_id, issued_at);

DROP TABLE facts_of;
DROP TABLE moved_on;
DROP TABLE decisions;
DROP TABLE trainees;
