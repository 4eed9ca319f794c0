-- Foundation: units, users, sessions and API tokens, login throttling, the audit log.
-- Times are INTEGER milliseconds since the Unix epoch, UTC.

CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CHECK (length(name) > 0),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'secretariat', 'agency_editor', 'agency_head',
                                     'appraiser', 'council_member', 'auditor')),
  unit_id INTEGER REFERENCES units(id),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  -- Incremented by every change; the user's ETag.
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((role IN ('agency_editor', 'agency_head')) = (unit_id IS NOT NULL))
) STRICT;

-- Browser sessions and bearer tokens from login. Only the SHA-256 of a token is kept.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER,
  client_address TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions(user_id) WHERE ended_at IS NULL;

-- Personal API tokens for scripts, managed by administrators.
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL CHECK (length(name) > 0),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;

-- Failed-login counters, per account ('user:NAME') and per client address ('addr:IP').
-- Kept in the database so that a restart does not lift a lock.
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL,
  locked_until INTEGER
) STRICT;

-- The audit log: append-only and hash-chained (see storage/audit_log.hpp).
CREATE TABLE audit_entries (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  client_address TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  campaign_id INTEGER,
  unit_id INTEGER,
  assessment_id INTEGER,
  criterion_code TEXT,
  old_value TEXT,
  new_value TEXT,
  reason TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_entity ON audit_entries(entity);
CREATE INDEX audit_by_assessment ON audit_entries(assessment_id, criterion_code);

CREATE TRIGGER audit_entries_refuse_update BEFORE UPDATE ON audit_entries
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_entries_refuse_delete BEFORE DELETE ON audit_entries
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;
