-- depends: 0001.enrollment-trainees
ALTER TABLE programmes ADD COLUMN skills text[] NOT NULL DEFAULT '{}';
