-- Stories (design.md §5): text fingerprints and LSH bands for near-duplicate detection, editor-pinned primaries.
ALTER TABLE stories ADD COLUMN primary_pinned BOOLEAN NOT NULL DEFAULT FALSE;
-- An entry is the primary of at most one story.
CREATE UNIQUE INDEX stories_primary ON stories (primary_entry_id) WHERE primary_entry_id IS NOT NULL;

-- One fingerprint per entry; an entry without one is pending story assignment.
CREATE TABLE entry_signatures (
    entry_id  BIGINT PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    text_hash TEXT COLLATE "C",     -- hash of the normalized title + summary; null when too short to identify a story
    shingles  INTEGER NOT NULL,
    signature BYTEA NOT NULL        -- MinHash values, little-endian uint32
);
CREATE INDEX entry_signatures_text ON entry_signatures (text_hash) WHERE text_hash IS NOT NULL;

-- LSH: one row per band of each comparable entry (dropped again by 0003, as on SQLite).
CREATE TABLE entry_bands (
    band_key BIGINT NOT NULL,
    entry_id BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    PRIMARY KEY (band_key, entry_id)
);
CREATE INDEX entry_bands_entry ON entry_bands (entry_id);

-- A changed text or a new link makes the entry pending again, whoever changed it.
CREATE FUNCTION entries_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM entry_signatures WHERE entry_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER entries_text_changed AFTER UPDATE OF title, summary ON entries
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary)
EXECUTE FUNCTION entries_text_changed();

CREATE FUNCTION entry_links_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM entry_signatures WHERE entry_id = NEW.entry_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER entry_links_added AFTER INSERT ON entry_links
FOR EACH ROW EXECUTE FUNCTION entry_links_added();
