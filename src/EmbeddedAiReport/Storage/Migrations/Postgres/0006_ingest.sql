-- Ingest at scale (issue 14), PostgreSQL dialect of ../0006_ingest.sql.
-- Entries waiting for story placement are listed (kept by triggers), so a pass finds them without scanning every entry:
-- a new entry is listed, a signature saved unlists it, a signature dropped (text or links changed) lists it again.
CREATE TABLE entry_pending (entry_id BIGINT PRIMARY KEY);
INSERT INTO entry_pending (entry_id)
    SELECT id FROM entries e WHERE NOT EXISTS (SELECT 1 FROM entry_signatures s WHERE s.entry_id = e.id);

CREATE FUNCTION entries_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO entry_pending (entry_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER entries_pending AFTER INSERT ON entries FOR EACH ROW EXECUTE FUNCTION entries_pending();

CREATE FUNCTION entry_signatures_dropped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO entry_pending (entry_id) VALUES (OLD.entry_id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER entry_signatures_dropped AFTER DELETE ON entry_signatures FOR EACH ROW EXECUTE FUNCTION entry_signatures_dropped();

CREATE FUNCTION entry_signatures_saved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM entry_pending WHERE entry_id = NEW.entry_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER entry_signatures_saved AFTER INSERT ON entry_signatures FOR EACH ROW EXECUTE FUNCTION entry_signatures_saved();

-- Written with a new random value by every story pass: a process whose in-memory story index (Dedup/StoryIndex.cs) was
-- built under another value rebuilds it before using it. With several daemons on one database this is what keeps each
-- one's index true to what the others placed.
CREATE TABLE dedup_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO dedup_state (id, generation) VALUES (1, 0);

-- Tags keyed by (entry, tag): PostgreSQL's entry_tags already has that primary key; its index on tag alone goes, as on SQLite.
DROP INDEX entry_tags_tag;
