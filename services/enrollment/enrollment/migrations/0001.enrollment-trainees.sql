-- Trainees (pseudonymous facts), their personal details (kept apart, so erasure is one
-- DELETE), and enrollments.

CREATE TABLE trainees (
    trainee_id     text PRIMARY KEY,
    institute_id   text NOT NULL,
    birth_year     integer NOT NULL,
    region_code    text NOT NULL,
    status         text NOT NULL,
    consent_share_with_firms boolean NOT NULL,
    registered_at  timestamptz NOT NULL
);
CREATE INDEX trainees_institute ON trainees (institute_id);

CREATE TABLE trainee_personal_details (
    trainee_id  text PRIMARY KEY REFERENCES trainees (trainee_id) ON DELETE CASCADE,
    name        text NOT NULL,
    email       text,
    phone       text
);

CREATE TABLE enrollments (
    enrollment_id text PRIMARY KEY,
    trainee_id    text NOT NULL REFERENCES trainees (trainee_id),
    institute_id  text NOT NULL,
    cohort_id     text NOT NULL,
    enrolled_on   date NOT NULL,
    status        text NOT NULL,
    UNIQUE (trainee_id, cohort_id)
);
