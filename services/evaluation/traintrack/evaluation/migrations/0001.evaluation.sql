-- The evaluation service's store: scheme versions, its projection of enrollment facts,
-- projects, the evidence log (never updated: corrections are new rows), current stage
-- decisions and credentials.

CREATE TABLE schemes (
    scheme_id    text NOT NULL,
    version      integer NOT NULL,
    definition   jsonb NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by text NOT NULL,
    PRIMARY KEY (scheme_id, version)
);

CREATE TABLE programme_schemes (
    programme_id text PRIMARY KEY,
    scheme_id    text NOT NULL,
    version      integer NOT NULL,
    FOREIGN KEY (scheme_id, version) REFERENCES schemes (scheme_id, version)
);

CREATE TABLE cohorts (
    cohort_id    text PRIMARY KEY,
    programme_id text NOT NULL,
    institute_id text NOT NULL
);

CREATE TABLE trainees (
    trainee_id      text PRIMARY KEY,
    enrollment_id   text NOT NULL,
    cohort_id       text NOT NULL,
    institute_id    text NOT NULL,
    attendance_rate double precision,
    completed       boolean NOT NULL DEFAULT false,
    dropped         boolean NOT NULL DEFAULT false
);

CREATE TABLE projects (
    project_id   text PRIMARY KEY,
    programme_id text NOT NULL,
    institute_id text NOT NULL,
    firm_id      text NOT NULL,
    title        text NOT NULL,
    team         text[] NOT NULL
);

CREATE TABLE observations (
    seq         bigserial PRIMARY KEY,
    trainee_id  text NOT NULL,
    evidence    text NOT NULL,
    stage       integer NOT NULL,
    attempt     integer NOT NULL,
    value       double precision NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX observations_trainee ON observations (trainee_id, seq);

CREATE TABLE assessments (
    seq         bigserial PRIMARY KEY,
    trainee_id  text NOT NULL,
    project_id  text NOT NULL REFERENCES projects (project_id),
    stage       integer NOT NULL,
    attempt     integer NOT NULL,
    assessor    text NOT NULL,
    side        text NOT NULL,
    scores      jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessments_trainee ON assessments (trainee_id, seq);

CREATE TABLE decisions (
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
    PRIMARY KEY (trainee_id, stage)
);

CREATE TABLE credentials (
    credential_id text PRIMARY KEY,
    trainee_id    text NOT NULL,
    jwt           text NOT NULL,
    issued_at     timestamptz NOT NULL,
    valid_until   timestamptz NOT NULL,
    revoked_at    timestamptz,
    revocation_reason text
);
CREATE INDEX credentials_trainee ON credentials (trainee_id);
