-- Evidence: resumable uploads (tus), draft files attached to a leaf, sealed archive
-- versions, and every public key that ever signed a statement. Times are INTEGER
-- milliseconds since the Unix epoch, UTC; hashes are lower-case hex SHA-256.

-- One tus upload. `received` only counts bytes already fsynced to the staging file,
-- so the offset the server reports never covers a byte a crash could lose.
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  length INTEGER NOT NULL CHECK (length >= 0),
  received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= length),
  file_name TEXT NOT NULL,
  declared_sha256 TEXT NOT NULL,
  metadata_json TEXT NOT NULL,  -- the decoded Upload-Metadata pairs
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('receiving', 'complete', 'attached', 'terminated',
                                       'expired', 'refused')),
  blob_sha256 TEXT,  -- set when complete
  kind TEXT,         -- pdf, docx, zip … as decided by content
  content_type TEXT,
  listing_json TEXT,  -- a ZIP's entries
  refusal TEXT        -- why a complete upload was refused (checksum, type, zip)
) STRICT;
CREATE INDEX uploads_by_state ON uploads(state, expires_at);

-- Sealed archive versions are never modified or deleted.
CREATE TABLE evidence_versions (
  id INTEGER PRIMARY KEY,
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  criterion_code TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  stage TEXT NOT NULL,
  archive_sha256 TEXT NOT NULL,
  archive_size INTEGER NOT NULL,
  tagmanifest_sha256 TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,  -- of manifest-sha256.txt: equal drafts give equal manifests
  payload_bytes INTEGER NOT NULL,
  file_count INTEGER NOT NULL,
  statement TEXT NOT NULL,   -- the signed canonical statement, verbatim
  signature TEXT NOT NULL,   -- base64 Ed25519 over `statement`
  key_id TEXT NOT NULL,
  statement_sha256 TEXT NOT NULL,
  sealed_at INTEGER NOT NULL,
  sealed_by TEXT NOT NULL,
  UNIQUE (assessment_id, criterion_code, version)
) STRICT;
CREATE TRIGGER evidence_versions_refuse_update BEFORE UPDATE ON evidence_versions
BEGIN
  SELECT RAISE(ABORT, 'evidence versions are immutable');
END;
CREATE TRIGGER evidence_versions_refuse_delete BEFORE DELETE ON evidence_versions
BEGIN
  SELECT RAISE(ABORT, 'evidence versions are immutable');
END;

-- One file attached to one leaf: a draft until it is sealed into a version or removed.
CREATE TABLE evidence_files (
  id INTEGER PRIMARY KEY,
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  criterion_code TEXT NOT NULL,
  upload_id TEXT NOT NULL REFERENCES uploads(id),
  blob_sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  content_type TEXT NOT NULL,
  listing_json TEXT,
  doc_number TEXT,
  doc_date TEXT,  -- the official document's issue date, YYYY-MM-DD (not the upload date)
  doc_issuer TEXT,
  doc_summary TEXT,
  stage TEXT NOT NULL,  -- the stage it was attached in
  attached_at INTEGER NOT NULL,
  attached_by TEXT NOT NULL,
  late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('draft', 'removed', 'sealed')),
  version_id INTEGER REFERENCES evidence_versions(id),
  removed_at INTEGER,
  removed_by TEXT,
  CHECK ((state = 'sealed') = (version_id IS NOT NULL))
) STRICT;
CREATE INDEX evidence_files_by_leaf ON evidence_files(assessment_id, criterion_code, state);
CREATE INDEX evidence_files_by_blob ON evidence_files(blob_sha256);
-- A draft may become removed or sealed, once; nothing else changes, nothing is deleted.
CREATE TRIGGER evidence_files_refuse_update BEFORE UPDATE ON evidence_files
WHEN OLD.state <> 'draft' OR NEW.state = 'draft' OR NEW.blob_sha256 <> OLD.blob_sha256
  OR NEW.file_name <> OLD.file_name OR NEW.assessment_id <> OLD.assessment_id
  OR NEW.criterion_code <> OLD.criterion_code
BEGIN
  SELECT RAISE(ABORT, 'evidence files change only from draft to removed or sealed');
END;
CREATE TRIGGER evidence_files_refuse_delete BEFORE DELETE ON evidence_files
BEGIN
  SELECT RAISE(ABORT, 'evidence files are never deleted');
END;

-- Every key that has signed: statements made before a key rotation still verify.
CREATE TABLE signing_keys (
  key_id TEXT PRIMARY KEY,
  algorithm TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  public_key_hex TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL
) STRICT;
