-- depends: 0005.enrollment-closing
-- The programme's employment rule: what it counts with employment besides insured jobs.
ALTER TABLE programmes ADD COLUMN employment_includes text[] NOT NULL DEFAULT '{}';
