-- depends: 0006.programme-employment
-- Bulk onboarding: the institute's own reference for each person it imported, so that a
-- retried or corrected import finds them again instead of registering them twice. The
-- fingerprint (a hash of the details the row carried) tells a retry from a different
-- person under a reused reference; erasure clears it.
CREATE TABLE trainee_refs (
    institute_id text NOT NULL REFERENCES institutes (institute_id),
    ref          text NOT NULL,
    trainee_id   text NOT NULL REFERENCES trainees (trainee_id),
    fingerprint  text,
    PRIMARY KEY (institute_id, ref)
);
CREATE INDEX trainee_refs_trainee ON trainee_refs (trainee_id);
