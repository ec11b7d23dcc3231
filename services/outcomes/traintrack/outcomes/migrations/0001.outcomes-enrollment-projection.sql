-- The outcomes service's own view of trainees and enrollments, projected from
-- enrollment.events.v1. Event time and processing time are kept apart.

CREATE TABLE trainees (
    trainee_id     text PRIMARY KEY,
    institute_id   text NOT NULL,
    birth_year     integer NOT NULL,
    region_code    text NOT NULL,
    status         text NOT NULL,
    registered_at  timestamptz NOT NULL,
    source_event_id text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE enrollments (
    enrollment_id  text PRIMARY KEY,
    trainee_id     text NOT NULL,
    institute_id   text NOT NULL,
    cohort_id      text NOT NULL,
    enrolled_on    date NOT NULL,
    event_time     timestamptz NOT NULL,
    source_event_id text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enrollments_trainee ON enrollments (trainee_id);
