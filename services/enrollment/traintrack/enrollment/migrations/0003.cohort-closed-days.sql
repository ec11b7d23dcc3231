-- depends: 0002.programme-skills
-- Weekdays a cohort does not train besides Korean public holidays (which come from the
-- `holidays` package, not from the store).
ALTER TABLE cohorts ADD COLUMN closed_days date[] NOT NULL DEFAULT '{}';
