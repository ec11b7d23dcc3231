-- The matching service's store: partner firms and what they publish (openings,
-- subscriptions, webhooks), its projection of enrollment and evaluation facts (the
-- candidate pool), what each firm was shown (disclosures, the per-firm feed), match
-- rounds with their preferences, offers and internships.

CREATE TABLE firms (
    firm_id     text PRIMARY KEY,
    name        text NOT NULL,
    region_code text NOT NULL,
    -- Feed entries are numbered per firm under this row's lock, so a cursor never skips
    -- an entry that commits late.
    feed_seq    bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cohorts (
    cohort_id    text PRIMARY KEY,
    programme_id text NOT NULL,
    institute_id text NOT NULL,
    field        text NOT NULL,
    skills       text[] NOT NULL,
    region_code  text NOT NULL,
    ends_on      date NOT NULL
);

CREATE TABLE candidates (
    trainee_id            text PRIMARY KEY,
    institute_id          text,
    region_code           text,
    cohort_id             text,
    consent               boolean NOT NULL DEFAULT false,
    passed_stages         integer[] NOT NULL DEFAULT '{}',
    stage_reached         integer NOT NULL DEFAULT 0,
    certified             boolean NOT NULL DEFAULT false,
    certification_revoked boolean NOT NULL DEFAULT false,
    score                 real NOT NULL DEFAULT 0,
    status                text NOT NULL DEFAULT 'in_training',
    erased                boolean NOT NULL DEFAULT false,
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX candidates_cohort ON candidates (cohort_id);
CREATE INDEX candidates_pool ON candidates (stage_reached) WHERE consent AND NOT erased;

CREATE TABLE openings (
    opening_id    text PRIMARY KEY,
    firm_id       text NOT NULL REFERENCES firms (firm_id),
    title         text NOT NULL,
    skills        text[] NOT NULL,
    region_code   text,
    seats         integer NOT NULL CHECK (seats > 0),
    minimum_stage integer NOT NULL,
    starts_on     date NOT NULL,
    ends_on       date NOT NULL,
    status        text NOT NULL DEFAULT 'open',
    published_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX openings_firm ON openings (firm_id);

CREATE TABLE subscriptions (
    subscription_id text PRIMARY KEY,
    firm_id         text NOT NULL REFERENCES firms (firm_id),
    minimum_stage   integer NOT NULL,
    skills          text[] NOT NULL,
    fields          text[] NOT NULL,
    region_codes    text[] NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_active ON subscriptions (firm_id) WHERE active;

-- What each firm was shown, and the lowest stage the reason for showing required
-- (a candidate below it is withdrawn from the firm).
CREATE TABLE disclosures (
    firm_id         text NOT NULL REFERENCES firms (firm_id),
    trainee_id      text NOT NULL,
    shown           boolean NOT NULL,
    minimum_stage   integer NOT NULL,
    reason          text NOT NULL,
    subscription_id text,
    stage_shown     integer NOT NULL,
    certified_shown boolean NOT NULL,
    first_at        timestamptz NOT NULL DEFAULT now(),
    changed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (firm_id, trainee_id)
);
CREATE INDEX disclosures_trainee ON disclosures (trainee_id);

-- Each firm's ordered feed: the pull cursor, SSE ids and webhook progress are all `seq`.
CREATE TABLE feed (
    firm_id    text NOT NULL REFERENCES firms (firm_id),
    seq        bigint NOT NULL,
    kind       text NOT NULL,
    trainee_id text,
    body       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (firm_id, seq)
);

CREATE TABLE webhooks (
    webhook_id      text PRIMARY KEY,
    firm_id         text NOT NULL REFERENCES firms (firm_id),
    url             text NOT NULL,
    -- Kept in clear: the platform signs with it (as payment platforms do).
    secret          text NOT NULL,
    previous_secret text,
    previous_until  timestamptz,
    delivered_seq   bigint NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    failures        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_attempts (
    attempt_id   bigserial PRIMARY KEY,
    webhook_id   text NOT NULL REFERENCES webhooks (webhook_id),
    first_seq    bigint NOT NULL,
    last_seq     bigint NOT NULL,
    status_code  integer,
    error        text,
    duration_ms  integer NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_hook ON webhook_attempts (webhook_id, attempt_id DESC);

CREATE TABLE rounds (
    round_id     text PRIMARY KEY,
    status       text NOT NULL DEFAULT 'open',
    proposing    text NOT NULL,
    offer_days   integer NOT NULL,
    opening_ids  text[] NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    -- The game as solved (preferences and seats) and its assignment, for explanations.
    game         jsonb,
    assignment   jsonb
);

CREATE TABLE candidate_preferences (
    round_id    text NOT NULL REFERENCES rounds (round_id),
    trainee_id  text NOT NULL,
    opening_ids text[] NOT NULL,
    PRIMARY KEY (round_id, trainee_id)
);

CREATE TABLE opening_preferences (
    round_id    text NOT NULL REFERENCES rounds (round_id),
    opening_id  text NOT NULL,
    trainee_ids text[] NOT NULL,
    PRIMARY KEY (round_id, opening_id)
);

CREATE TABLE offers (
    offer_id   text PRIMARY KEY,
    opening_id text NOT NULL REFERENCES openings (opening_id),
    firm_id    text NOT NULL,
    trainee_id text NOT NULL,
    round_id   text,
    status     text NOT NULL DEFAULT 'pending',
    expires_at timestamptz NOT NULL,
    made_at    timestamptz NOT NULL DEFAULT now(),
    settled_at timestamptz
);
CREATE INDEX offers_pending ON offers (expires_at) WHERE status = 'pending';
CREATE INDEX offers_trainee ON offers (trainee_id);
CREATE INDEX offers_opening ON offers (opening_id);

CREATE TABLE internships (
    internship_id text PRIMARY KEY,
    offer_id      text NOT NULL UNIQUE REFERENCES offers (offer_id),
    trainee_id    text NOT NULL,
    firm_id       text NOT NULL,
    opening_id    text NOT NULL,
    status        text NOT NULL DEFAULT 'agreed',
    started_on    date,
    completed_on  date,
    converted     boolean
);
CREATE INDEX internships_firm ON internships (firm_id);
