-- Campaign administration (issue 14): a unit may be taken out of a campaign while its file
-- is untouched, which deletes that file's row. Its id is kept here so that no later file
-- takes it over: audit entries name files by id ("assessment/57"), and an id that once
-- named a removed file must never name another unit's file.
CREATE TABLE retired_assessments (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  removed_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER retired_assessments_refuse_delete BEFORE DELETE ON retired_assessments
BEGIN
  SELECT RAISE(ABORT, 'a retired file id is never given back');
END;
