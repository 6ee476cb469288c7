-- An article page whose host failed (a 5xx, a 408, no answer) was recorded nowhere, so every poll asked it again, each
-- time in one of the source's enrichLimit slots. Now its row says so: outcome failing, how many times in a row its host
-- failed (failures) and when a poll may ask it again (retry_at, the backoff doubling per failure); past the limit the
-- page is given up (unreadable). Any other outcome (an answer) ends the run: failures 0, retry_at NULL.
ALTER TABLE entry_pages DROP CONSTRAINT entry_pages_outcome_check;
ALTER TABLE entry_pages ADD CONSTRAINT entry_pages_outcome_check CHECK (outcome IN ('read', 'gone', 'blocked', 'unreadable', 'failing'));
ALTER TABLE entry_pages ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entry_pages ADD COLUMN retry_at TEXT COLLATE "C";
