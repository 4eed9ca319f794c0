-- Carrying last year's work into next year's file (issue 14): a successor campaign may copy
-- the agency's explanation of each leaf whose code and title did not change, marked carried
-- over until an agency user confirms or edits it; and it offers last year's sealed evidence
-- files of such a leaf, each to be confirmed (it then becomes a draft of the new file,
-- sealed again at submission) or discarded. Nothing is reused without a person saying so.
ALTER TABLE leaf_values ADD COLUMN carried_over INTEGER NOT NULL DEFAULT 0
  CHECK (carried_over IN (0, 1));

-- One of last year's sealed files offered to a leaf of the new file. `draft_id` is the
-- draft its confirmation made (same blob: the store is content-addressed).
CREATE TABLE carried_evidence (
  id INTEGER PRIMARY KEY,
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  criterion_code TEXT NOT NULL,
  source_file_id INTEGER NOT NULL REFERENCES evidence_files(id),
  state TEXT NOT NULL DEFAULT 'offered' CHECK (state IN ('offered', 'confirmed', 'discarded')),
  draft_id INTEGER REFERENCES evidence_files(id),
  decided_at INTEGER,
  decided_by TEXT,
  UNIQUE (assessment_id, source_file_id),
  CHECK ((state = 'confirmed') = (draft_id IS NOT NULL))
) STRICT;
CREATE INDEX carried_evidence_by_leaf ON carried_evidence(assessment_id, criterion_code);
-- An offer is decided once; a decided one is kept for ever (an untouched file's offers go
-- with it when its unit is taken out of the campaign).
CREATE TRIGGER carried_evidence_refuse_update BEFORE UPDATE ON carried_evidence
WHEN OLD.state <> 'offered' OR NEW.source_file_id <> OLD.source_file_id
  OR NEW.assessment_id <> OLD.assessment_id OR NEW.criterion_code <> OLD.criterion_code
BEGIN
  SELECT RAISE(ABORT, 'a carried evidence offer is decided once');
END;
CREATE TRIGGER carried_evidence_refuse_delete BEFORE DELETE ON carried_evidence
WHEN OLD.state <> 'offered'
BEGIN
  SELECT RAISE(ABORT, 'a decided carried evidence offer is never deleted');
END;
