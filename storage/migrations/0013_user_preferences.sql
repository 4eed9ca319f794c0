-- Per-user preferences of the web UI (issue 13): the language the user chose.
-- One row per user who chose something; no row means the defaults (Vietnamese).
CREATE TABLE user_preferences (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  language TEXT NOT NULL CHECK (language IN ('vi', 'en')),
  updated_at INTEGER NOT NULL
) STRICT;
