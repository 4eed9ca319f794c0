-- Year over year (issue 14): a campaign may name the campaign of the year before, and a
-- unit may name the units it was formed from (since 1 July 2025 districts are gone and
-- provinces and communes were merged), so that next year's report can put last year's
-- figures beside each unit instead of dropping the units whose codes are new.
ALTER TABLE campaigns ADD COLUMN predecessor_id INTEGER REFERENCES campaigns(id);

CREATE TABLE unit_origins (
  unit_id INTEGER NOT NULL REFERENCES units(id),
  origin_id INTEGER NOT NULL REFERENCES units(id),
  PRIMARY KEY (unit_id, origin_id),
  CHECK (unit_id <> origin_id)
) STRICT;
