-- A new entry is listed in entry_pending (waiting for its story and signature) only when it is stored without a story.
-- The writer inserts a new entry once it has placed it, with its story, and saves its signature in the same
-- transaction, so the pending row the trigger added for it was deleted again a moment later: two writes per entry for
-- nothing. Entries stored by an upsert (no story yet) are listed as before.
DROP TRIGGER entries_pending;
CREATE TRIGGER entries_pending AFTER INSERT ON entries WHEN new.story_id IS NULL
BEGIN
    INSERT OR IGNORE INTO entry_pending (entry_id) VALUES (new.id);
END;
