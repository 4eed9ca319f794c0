-- Signed checkpoints of the audit log (C2SP signed-note format, docs/audit.md).
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  size INTEGER NOT NULL,       -- entries covered: 1 … size
  head_hash TEXT NOT NULL,     -- hex hash of entry `size`
  key_id TEXT NOT NULL,
  note TEXT NOT NULL           -- the signed note, verbatim
) STRICT;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_refuse_update BEFORE UPDATE ON audit_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_refuse_delete BEFORE DELETE ON audit_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
