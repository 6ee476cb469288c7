-- The same-text index keyed by a 32-bit integer of the text hash's first 8 hex digits instead of those 8 characters (see
-- the SQLite twin): the lookups compute the same expression (PostgresDialect.TextKey) and compare the full hash on the
-- rows it finds. entry_id stays in the key here: PostgreSQL's index tuples do not carry it, and the lookups read it in order.
DROP INDEX IF EXISTS entry_signatures_text;
CREATE INDEX entry_signatures_text ON entry_signatures ((CAST(CAST('x' || substr(text_hash, 1, 8) AS bit(32)) AS integer)), entry_id)
    WHERE text_hash IS NOT NULL;
