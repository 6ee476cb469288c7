-- The same-text index keyed by a 32-bit integer of the text hash's first 8 hex digits (two's complement, as PostgreSQL's
-- bit(32)::int reads them) instead of those 8 characters, and without entry_id: entry_id is this table's rowid, which
-- every index entry carries anyway, so the lookups' `ORDER BY entry_id DESC` still reads the index in order. A key of 4
-- bytes instead of 8 + 3 makes each index record about 40 % smaller, so a poll into 1 M entries, whose new signatures each
-- land on a random leaf, dirties and writes fewer of them. The lookups compute the same expression (SqliteDialect.TextKey)
-- and compare the full hash on the rows it finds, so two texts whose keys collide are never taken for the same text.
DROP INDEX IF EXISTS entry_signatures_text;
CREATE INDEX entry_signatures_text ON entry_signatures ((
    (instr('89ABCDEF01234567', substr(text_hash, 1, 1)) - 9) * 268435456
    + (instr('0123456789ABCDEF', substr(text_hash, 2, 1)) - 1) * 16777216
    + (instr('0123456789ABCDEF', substr(text_hash, 3, 1)) - 1) * 1048576
    + (instr('0123456789ABCDEF', substr(text_hash, 4, 1)) - 1) * 65536
    + (instr('0123456789ABCDEF', substr(text_hash, 5, 1)) - 1) * 4096
    + (instr('0123456789ABCDEF', substr(text_hash, 6, 1)) - 1) * 256
    + (instr('0123456789ABCDEF', substr(text_hash, 7, 1)) - 1) * 16
    + (instr('0123456789ABCDEF', substr(text_hash, 8, 1)) - 1))) WHERE text_hash IS NOT NULL;
