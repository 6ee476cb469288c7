-- Published history and exports (issue 9): where an issue came from, and the windows drafts were exported for.
ALTER TABLE issues ADD COLUMN origin TEXT NOT NULL DEFAULT 'imported' CHECK (origin IN ('imported', 'published'));

CREATE TABLE draft_exports (
    id        INTEGER PRIMARY KEY,
    first_day TEXT NOT NULL,   -- inclusive local dates of the window (yyyy-MM-dd)
    last_day  TEXT NOT NULL,
    created   TEXT NOT NULL
);
