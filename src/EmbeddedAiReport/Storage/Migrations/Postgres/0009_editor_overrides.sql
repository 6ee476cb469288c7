-- The editor's overrides (issue 16): a title, summary, section or place in its section set on the review page or with
-- `edit`/`move`. They live beside the entry, so a re-poll (which rewrites entries.title/summary/section) never touches
-- them, and every draft read applies them. NULL means "as the source or the pipeline gave it".
CREATE TABLE entry_overrides (
    entry_id BIGINT PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    title    TEXT COLLATE "C",
    summary  TEXT COLLATE "C",
    section  TEXT COLLATE "C",
    position INTEGER,   -- 1-based place within its section of the draft; positioned items come first, in this order
    updated  TEXT COLLATE "C" NOT NULL
);
