-- Ingest at scale (issue 14).
-- Entries waiting for story placement are listed (kept by triggers), so a pass finds them without scanning every entry:
-- a new entry is listed, a signature saved unlists it, a signature dropped (text or links changed) lists it again.
CREATE TABLE entry_pending (entry_id INTEGER PRIMARY KEY);
INSERT INTO entry_pending (entry_id)
    SELECT id FROM entries e WHERE NOT EXISTS (SELECT 1 FROM entry_signatures s WHERE s.entry_id = e.id);
CREATE TRIGGER entries_pending AFTER INSERT ON entries
BEGIN
    INSERT OR IGNORE INTO entry_pending (entry_id) VALUES (new.id);
END;
CREATE TRIGGER entry_signatures_dropped AFTER DELETE ON entry_signatures
BEGIN
    INSERT OR IGNORE INTO entry_pending (entry_id) VALUES (old.entry_id);
END;
CREATE TRIGGER entry_signatures_saved AFTER INSERT ON entry_signatures
BEGIN
    DELETE FROM entry_pending WHERE entry_id = new.entry_id;
END;

-- Written with a new random value by every story pass: a process whose in-memory story index (Dedup/StoryIndex.cs) was
-- built under another value rebuilds it before using it.
CREATE TABLE dedup_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO dedup_state (id, generation) VALUES (1, 0);

-- Tags: one B-tree keyed by (entry, tag) instead of a rowid table and two indexes (a third of the bytes and writes per
-- entry); the tag filter of `entries --tag` looks them up per entry of the window, which this key serves.
CREATE TABLE entry_tags_by_entry (
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    weight   REAL NOT NULL DEFAULT 1,
    PRIMARY KEY (entry_id, tag)
) WITHOUT ROWID;
INSERT INTO entry_tags_by_entry (entry_id, tag, weight) SELECT entry_id, tag, weight FROM entry_tags;
DROP TABLE entry_tags;
ALTER TABLE entry_tags_by_entry RENAME TO entry_tags;
