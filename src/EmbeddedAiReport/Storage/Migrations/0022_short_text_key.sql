-- The same-text index keyed by the text hash's first 8 hex digits (32 bits) instead of all 32: a poll into 1 M entries lands
-- each new signature on a random leaf of it, and a key a quarter as long makes the index about half as many pages, so fewer
-- leaves are dirtied, split and written to the log per poll. The lookups compare the full hash on the few rows a prefix finds
-- (StoryCommands), so two texts whose prefixes collide are never taken for the same text.
DROP INDEX IF EXISTS entry_signatures_text;
CREATE INDEX entry_signatures_text ON entry_signatures (substr(text_hash, 1, 8), entry_id) WHERE text_hash IS NOT NULL;
