-- Stories (design.md §5): text fingerprints and LSH bands for near-duplicate detection, editor-pinned primaries.
ALTER TABLE stories ADD COLUMN primary_pinned INTEGER NOT NULL DEFAULT 0;
-- An entry is the primary of at most one story.
CREATE UNIQUE INDEX stories_primary ON stories (primary_entry_id) WHERE primary_entry_id IS NOT NULL;

-- One fingerprint per entry; an entry without one is pending story assignment.
CREATE TABLE entry_signatures (
    entry_id  INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    text_hash TEXT,                 -- hash of the normalized title + summary; null when too short to identify a story
    shingles  INTEGER NOT NULL,
    signature BLOB NOT NULL         -- MinHash values, little-endian uint32
);
CREATE INDEX entry_signatures_text ON entry_signatures (text_hash) WHERE text_hash IS NOT NULL;

-- LSH: one row per band of each comparable entry; entries sharing a band key are candidates.
CREATE TABLE entry_bands (
    band_key INTEGER NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    PRIMARY KEY (band_key, entry_id)
) WITHOUT ROWID;
CREATE INDEX entry_bands_entry ON entry_bands (entry_id);

-- A changed text or a new link makes the entry pending again, whoever changed it.
CREATE TRIGGER entries_text_changed AFTER UPDATE OF title, summary ON entries
WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary
BEGIN
    DELETE FROM entry_signatures WHERE entry_id = new.id;
END;
CREATE TRIGGER entry_links_added AFTER INSERT ON entry_links
BEGIN
    DELETE FROM entry_signatures WHERE entry_id = new.entry_id;
END;
