-- depends: 0002.outcomes-facts
-- Facts brought in by a history import say which import and which operator: lineage
-- shows them as imported.
ALTER TABLE facts ADD COLUMN import_id text;
ALTER TABLE facts ADD COLUMN imported_by text;
