-- An article page whose host failed (a 5xx, a 408, no answer) was recorded nowhere, so every poll asked it again, each
-- time in one of the source's enrichLimit slots. Now its row says so: outcome failing, how many times in a row its host
-- failed (failures) and when a poll may ask it again (retry_at, the backoff doubling per failure); past the limit the
-- page is given up (unreadable). Any other outcome (an answer) ends the run: failures 0, retry_at NULL.
-- SQLite cannot change a CHECK constraint: the table is rebuilt, as its rows are.
CREATE TABLE entry_pages_new (
    entry_key  TEXT PRIMARY KEY,
    source_id  TEXT NOT NULL,
    checked    TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('read', 'gone', 'blocked', 'unreadable', 'failing')),
    detail     TEXT,
    entry_json TEXT,
    failures   INTEGER NOT NULL DEFAULT 0,
    retry_at   TEXT
);
INSERT INTO entry_pages_new (entry_key, source_id, checked, outcome, detail, entry_json)
    SELECT entry_key, source_id, checked, outcome, detail, entry_json FROM entry_pages;
DROP TABLE entry_pages;
ALTER TABLE entry_pages_new RENAME TO entry_pages;
CREATE INDEX entry_pages_source ON entry_pages (source_id, outcome, checked);
