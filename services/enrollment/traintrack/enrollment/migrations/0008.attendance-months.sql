-- depends: 0007.trainee-refs
-- How often each status was recorded, per enrollment and calendar month: a batch of new
-- days reads its enrollments' earlier months as these counts instead of every day (which
-- made a day cost more the further the course had run). Kept by the statement triggers
-- below, in the writing transaction, from what each statement really inserted or changed:
-- no writer can forget them or race another over them.
CREATE TABLE attendance_months (
    enrollment_id text    NOT NULL REFERENCES enrollments (enrollment_id),
    month         date    NOT NULL,  -- its first day
    recorded      integer NOT NULL,
    present       integer NOT NULL,
    late          integer NOT NULL,
    excused       integer NOT NULL,
    PRIMARY KEY (enrollment_id, month)
);

INSERT INTO attendance_months
SELECT enrollment_id, date_trunc('month', day)::date, count(*),
       count(*) FILTER (WHERE status = 'present'), count(*) FILTER (WHERE status = 'late'),
       count(*) FILTER (WHERE status = 'excused')
FROM attendance GROUP BY 1, 2;

CREATE FUNCTION attendance_months_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO attendance_months AS m
    SELECT enrollment_id, date_trunc('month', day)::date, count(*),
           count(*) FILTER (WHERE status = 'present'), count(*) FILTER (WHERE status = 'late'),
           count(*) FILTER (WHERE status = 'excused')
    FROM new_rows GROUP BY 1, 2
    ON CONFLICT (enrollment_id, month) DO UPDATE SET
        recorded = m.recorded + excluded.recorded, present = m.present + excluded.present,
        late = m.late + excluded.late, excused = m.excused + excluded.excused;
    RETURN NULL;
END $$;

-- An update changes a day's status, never its enrollment or day (the key).
CREATE FUNCTION attendance_months_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE attendance_months m SET
        present = m.present + d.present, late = m.late + d.late, excused = m.excused + d.excused
    FROM (
        SELECT n.enrollment_id, date_trunc('month', n.day)::date AS month,
               sum((n.status = 'present')::int - (o.status = 'present')::int) AS present,
               sum((n.status = 'late')::int - (o.status = 'late')::int) AS late,
               sum((n.status = 'excused')::int - (o.status = 'excused')::int) AS excused
        FROM new_rows n JOIN old_rows o USING (enrollment_id, day)
        GROUP BY 1, 2
    ) d
    WHERE m.enrollment_id = d.enrollment_id AND m.month = d.month;
    RETURN NULL;
END $$;

CREATE TRIGGER attendance_months_inserted AFTER INSERT ON attendance
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_months_inserted();
CREATE TRIGGER attendance_months_updated AFTER UPDATE ON attendance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_months_updated();
