-- depends: 0003.cohort-closed-days
-- An at-risk alert has a level: `warning` (80 % still in reach, the best possible rate below
-- the warning margin) or `unreachable` (as every alert before this migration). Each is
-- announced once per enrollment, scope and period.
ALTER TABLE at_risk_alerts ADD COLUMN level text NOT NULL DEFAULT 'unreachable';
ALTER TABLE at_risk_alerts DROP CONSTRAINT at_risk_alerts_pkey;
ALTER TABLE at_risk_alerts ADD PRIMARY KEY (enrollment_id, scope, period, level);
