-- depends: 0002.offer-uniqueness-rubric
-- The candidate pool keyed by enrollment (trainee x cohort): each enrollment keeps its own
-- stages, project score, ending and credentials; `candidates` keeps what is about the
-- person (consent, erasure, region) and the view derived from their enrollments
-- (`domain/holdings.py`), which every query of the pool reads.

CREATE TABLE enrollments (
    enrollment_id text PRIMARY KEY,
    trainee_id    text NOT NULL,
    cohort_id     text,
    -- The id is ours, not the enrollment service's (a store migrated from one row per
    -- trainee, or a version-1 evaluation event that arrived before any enrollment): the
    -- first event naming the trainee's enrollment in that cohort adopts the row.
    placeholder   boolean NOT NULL DEFAULT false,
    known_order   bigserial NOT NULL,  -- the latest is the one version-1 events are about
    status        text NOT NULL DEFAULT 'in_training',
    passed_stages integer[] NOT NULL DEFAULT '{}',
    rubric        jsonb NOT NULL DEFAULT '{}',
    score         real NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enrollments_trainee ON enrollments (trainee_id, known_order);
CREATE INDEX enrollments_cohort ON enrollments (cohort_id);

CREATE TABLE certifications (
    credential_id  text PRIMARY KEY,
    trainee_id     text NOT NULL,
    enrollment_id  text NOT NULL REFERENCES enrollments (enrollment_id) ON UPDATE CASCADE,
    placeholder    boolean NOT NULL DEFAULT false,
    programme_id   text,
    scheme_id      text,
    scheme_version integer,
    revoked        boolean NOT NULL DEFAULT false,
    cause          text,
    -- A stage of the enrollment was withdrawn after issue: the revocation is on its way.
    basis_broken   boolean NOT NULL DEFAULT false,
    reason         text,
    issued_at      timestamptz,
    revoked_at     timestamptz
);
CREATE INDEX certifications_enrollment ON certifications (enrollment_id);

-- Existing rows become the trainee's one enrollment (and credential, if any).
INSERT INTO enrollments (enrollment_id, trainee_id, cohort_id, placeholder, status,
                         passed_stages, rubric, score)
SELECT 'migrated:' || trainee_id, trainee_id, cohort_id, true, status, passed_stages, rubric,
       score
FROM candidates
WHERE cohort_id IS NOT NULL OR passed_stages <> '{}' OR certified OR rubric <> '{}'
ORDER BY updated_at, trainee_id;

INSERT INTO certifications (credential_id, trainee_id, enrollment_id, placeholder,
                            programme_id, revoked, reason)
SELECT 'migrated:' || c.trainee_id, c.trainee_id, 'migrated:' || c.trainee_id, true,
       co.programme_id, c.certification_revoked,
       CASE WHEN c.certification_revoked THEN 'revoked (recorded before per-enrollment records)' END
FROM candidates c LEFT JOIN cohorts co USING (cohort_id)
WHERE c.certified;

ALTER TABLE candidates
    ADD COLUMN skills         text[] NOT NULL DEFAULT '{}',
    ADD COLUMN fields         text[] NOT NULL DEFAULT '{}',
    ADD COLUMN field          text,
    ADD COLUMN available_from date,
    ADD COLUMN certifications jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN lapsed         jsonb NOT NULL DEFAULT '[]';

UPDATE candidates c
SET skills = co.skills, fields = ARRAY[co.field], field = co.field,
    available_from = co.ends_on
FROM cohorts co WHERE co.cohort_id = c.cohort_id;

-- A revoked course stands for nothing now (not even its stages).
UPDATE candidates c
SET certifications = CASE WHEN c.certification_revoked THEN '[]'::jsonb ELSE
        jsonb_build_array(jsonb_build_object('credential_id', x.credential_id,
                                             'programme_id', x.programme_id)) END,
    lapsed = CASE WHEN c.certification_revoked THEN
        jsonb_build_array(jsonb_build_object('credential_id', x.credential_id,
                                             'programme_id', x.programme_id,
                                             'reason', x.reason)) ELSE '[]'::jsonb END,
    certified = NOT c.certification_revoked,
    stage_reached = CASE WHEN c.certification_revoked THEN 0 ELSE c.stage_reached END
FROM certifications x WHERE x.trainee_id = c.trainee_id;

-- Which credentials each firm was last shown (a credential revoked while the candidate
-- stays shown is an update naming it).
ALTER TABLE disclosures ADD COLUMN credentials_shown text[] NOT NULL DEFAULT '{}';
UPDATE disclosures SET credentials_shown = ARRAY['migrated:' || trainee_id]
WHERE certified_shown;

ALTER TABLE candidates
    DROP COLUMN cohort_id,
    DROP COLUMN passed_stages,
    DROP COLUMN certification_revoked,
    DROP COLUMN rubric;
