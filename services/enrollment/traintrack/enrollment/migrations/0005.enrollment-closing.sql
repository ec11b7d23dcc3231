-- depends: 0004.at-risk-levels
-- When the platform learnt of an enrollment: one brought in after its cohort ended still
-- gets the grace period for its records before it is closed. Rows from before this
-- migration count from now.
ALTER TABLE enrollments ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
-- The closing sweep looks at enrollments still in training only.
CREATE INDEX enrollments_in_training ON enrollments (cohort_id) WHERE status = 'enrolled';
