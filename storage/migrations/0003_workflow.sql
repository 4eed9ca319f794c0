-- Workflow: criteria sets, campaigns, unit groups, assessments, leaf values, events,
-- explanation windows, votes, adjustments and publications.
-- Points are INTEGER ten-thousandths of a point (workflow/points.hpp); times are
-- INTEGER milliseconds since the Unix epoch, UTC.

CREATE TABLE criteria_sets (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  source_csv TEXT NOT NULL,  -- the imported file, kept verbatim
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
) STRICT;

CREATE TABLE criteria_nodes (
  set_id INTEGER NOT NULL REFERENCES criteria_sets(id),
  code TEXT NOT NULL,
  parent_code TEXT,
  depth INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 3),
  position INTEGER NOT NULL,
  title TEXT NOT NULL CHECK (length(title) > 0),
  max_points INTEGER NOT NULL CHECK (max_points >= 0),
  method TEXT CHECK (method IN ('self', 'survey', 'external')),
  bonus INTEGER NOT NULL DEFAULT 0 CHECK (bonus IN (0, 1)),
  line INTEGER NOT NULL,
  PRIMARY KEY (set_id, code)
) STRICT;

-- A set is immutable: its nodes are written once at import.
CREATE TRIGGER criteria_nodes_refuse_update BEFORE UPDATE ON criteria_nodes
BEGIN
  SELECT RAISE(ABORT, 'criteria sets are immutable; import a new version');
END;
CREATE TRIGGER criteria_sets_refuse_update BEFORE UPDATE ON criteria_sets
BEGIN
  SELECT RAISE(ABORT, 'criteria sets are immutable; import a new version');
END;

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  name TEXT NOT NULL CHECK (length(name) > 0),
  time_zone TEXT NOT NULL,
  self_deadline INTEGER NOT NULL,
  round1_end INTEGER NOT NULL,
  window_length_seconds INTEGER NOT NULL CHECK (window_length_seconds > 0),
  round2_end INTEGER NOT NULL,
  council_date INTEGER NOT NULL,
  grace_seconds INTEGER NOT NULL DEFAULT 0 CHECK (grace_seconds >= 0),
  -- 'unanimity', or 'fraction': approve when approvals * den >= votes * num and votes >= quorum
  approval_rule TEXT NOT NULL CHECK (approval_rule IN ('unanimity', 'fraction')),
  approval_num INTEGER NOT NULL DEFAULT 1,
  approval_den INTEGER NOT NULL DEFAULT 1,
  quorum INTEGER NOT NULL DEFAULT 1,
  bands_json TEXT NOT NULL,  -- [{"min":"85","label":"Tốt"},…], highest first
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE unit_groups (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  criteria_set_id INTEGER NOT NULL REFERENCES criteria_sets(id),
  UNIQUE (campaign_id, key)
) STRICT;

-- One assessment is one unit in one campaign: the file that moves through the stages.
CREATE TABLE assessments (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  group_id INTEGER NOT NULL REFERENCES unit_groups(id),
  state TEXT NOT NULL CHECK (state IN ('self_assessment', 'round1', 'explanation_window', 'round2',
                                       'council', 'approved', 'published')),
  council_round INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (campaign_id, unit_id)
) STRICT;
CREATE INDEX assessments_by_state ON assessments(state);

-- Every transition, deadline extension and window change, with who and why.
-- Schedules are never overwritten: the effective deadline is derived from these rows.
CREATE TABLE assessment_events (
  id INTEGER PRIMARY KEY,
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  event TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  reason TEXT,
  until INTEGER,  -- a new deadline or window close time, for extensions and open_window
  late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1))
) STRICT;
CREATE INDEX assessment_events_by_assessment ON assessment_events(assessment_id, id);
CREATE TRIGGER assessment_events_refuse_update BEFORE UPDATE ON assessment_events
BEGIN
  SELECT RAISE(ABORT, 'assessment events are append-only');
END;
CREATE TRIGGER assessment_events_refuse_delete BEFORE DELETE ON assessment_events
BEGIN
  SELECT RAISE(ABORT, 'assessment events are append-only');
END;

-- The values of one leaf in one assessment. Every change is also an audit entry.
CREATE TABLE leaf_values (
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  code TEXT NOT NULL,
  self_score INTEGER,
  self_explanation TEXT,
  not_evaluated INTEGER NOT NULL DEFAULT 0 CHECK (not_evaluated IN (0, 1)),
  not_evaluated_reason TEXT,
  round1_score INTEGER,
  round1_remark TEXT,
  needs_explanation INTEGER NOT NULL DEFAULT 0 CHECK (needs_explanation IN (0, 1)),
  explanation_response TEXT,
  round2_score INTEGER,
  round2_remark TEXT,
  imported_score INTEGER,
  late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (assessment_id, code)
) STRICT;

CREATE TABLE appraiser_assignments (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  field_code TEXT,                         -- NULL: every field
  unit_id INTEGER REFERENCES units(id),    -- NULL: every unit
  CHECK (field_code IS NOT NULL OR unit_id IS NOT NULL)
) STRICT;

CREATE TABLE council_members (
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (campaign_id, user_id)
) STRICT;

CREATE TABLE council_votes (
  id INTEGER PRIMARY KEY,
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  council_round INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'return')),
  remark TEXT,
  at INTEGER NOT NULL,
  UNIQUE (assessment_id, council_round, user_id)
) STRICT;

CREATE TABLE adjustments (
  id INTEGER PRIMARY KEY,
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  points INTEGER NOT NULL,  -- signed: a bonus or a penalty on the whole file
  reason TEXT NOT NULL CHECK (length(reason) > 0),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL
) STRICT;

CREATE TABLE publications (
  assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id),
  decision_number TEXT NOT NULL,
  decision_date TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL
) STRICT;
