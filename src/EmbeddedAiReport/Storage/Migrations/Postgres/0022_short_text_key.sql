-- The same-text index keyed by the text hash's first 8 hex digits instead of all 32 (see the SQLite twin): the lookups
-- compare the full hash on the rows a prefix finds, and name the same expression so that the planner uses this index.
DROP INDEX IF EXISTS entry_signatures_text;
CREATE INDEX entry_signatures_text ON entry_signatures ((substr(text_hash, 1, 8)), entry_id) WHERE text_hash IS NOT NULL;
