-- The enrollment service's store: the catalogue, trainees (pseudonymous facts) and their
-- personal details (kept apart, so erasure is one DELETE), consent history, enrollments,
-- attendance, at-risk alerts and surveys.

CREATE TABLE institutes (
    institute_id  text PRIMARY KEY,
    name          text NOT NULL,
    region_code   text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE programmes (
    programme_id  text PRIMARY KEY,
    institute_id  text NOT NULL REFERENCES institutes (institute_id),
    name          text NOT NULL,
    track         text NOT NULL,
    field         text NOT NULL,
    hours         integer NOT NULL,
    capacity      integer NOT NULL,
    project_work_share numeric(4, 3) NOT NULL,
    training_site text
);
CREATE INDEX programmes_institute ON programmes (institute_id);

CREATE TABLE cohorts (
    cohort_id     text PRIMARY KEY,
    programme_id  text NOT NULL REFERENCES programmes (programme_id),
    institute_id  text NOT NULL REFERENCES institutes (institute_id),
    starts_on     date NOT NULL,
    ends_on       date NOT NULL,
    capacity      integer NOT NULL
);
CREATE INDEX cohorts_institute ON cohorts (institute_id);

CREATE TABLE trainees (
    trainee_id     text PRIMARY KEY,
    institute_id   text NOT NULL REFERENCES institutes (institute_id),
    birth_year     integer NOT NULL,
    region_code    text NOT NULL,
    status         text NOT NULL,
    consent_share_with_firms boolean NOT NULL,
    registered_at  timestamptz NOT NULL,
    erased_at      timestamptz
);
CREATE INDEX trainees_institute ON trainees (institute_id);

CREATE TABLE trainee_personal_details (
    trainee_id  text PRIMARY KEY REFERENCES trainees (trainee_id) ON DELETE CASCADE,
    name        text NOT NULL,
    email       text,
    phone       text
);

CREATE TABLE consent_history (
    id               bigserial PRIMARY KEY,
    trainee_id       text NOT NULL REFERENCES trainees (trainee_id),
    share_with_firms boolean NOT NULL,
    changed_at       timestamptz NOT NULL,
    changed_by       text NOT NULL
);
CREATE INDEX consent_history_trainee ON consent_history (trainee_id, id);

CREATE TABLE enrollments (
    enrollment_id text PRIMARY KEY,
    trainee_id    text NOT NULL REFERENCES trainees (trainee_id),
    institute_id  text NOT NULL REFERENCES institutes (institute_id),
    cohort_id     text NOT NULL REFERENCES cohorts (cohort_id),
    applied_on    date NOT NULL,
    status        text NOT NULL,
    enrolled_on   date,
    ended_on      date,
    drop_reason   text,
    hired_on      date,
    UNIQUE (trainee_id, cohort_id)
);
CREATE INDEX enrollments_cohort ON enrollments (cohort_id, status);

CREATE TABLE attendance (
    enrollment_id text NOT NULL REFERENCES enrollments (enrollment_id),
    day           date NOT NULL,
    status        text NOT NULL,
    check_in      time,
    check_out     time,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (enrollment_id, day)
);

CREATE TABLE at_risk_alerts (
    enrollment_id text NOT NULL REFERENCES enrollments (enrollment_id),
    scope         text NOT NULL,
    period        text NOT NULL,
    detected_on   date NOT NULL,
    PRIMARY KEY (enrollment_id, scope, period)
);

CREATE TABLE surveys (
    enrollment_id text PRIMARY KEY REFERENCES enrollments (enrollment_id),
    score         integer NOT NULL,
    submitted_on  date NOT NULL
);
