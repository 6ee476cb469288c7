-- Pages read to complete entries (WeChat article pages): one row per entry key, so each page is fetched once.
-- outcome: read (entry_json holds the completed candidate, re-applied on later polls), gone (deleted or expired:
-- never stored as content), blocked (anti-bot page: retried after the source's backoff), unreadable (kept as the feed gave it).
CREATE TABLE entry_pages (
    entry_key  TEXT COLLATE "C" PRIMARY KEY,
    source_id  TEXT COLLATE "C" NOT NULL,
    checked    TEXT COLLATE "C" NOT NULL,
    outcome    TEXT COLLATE "C" NOT NULL CHECK (outcome IN ('read', 'gone', 'blocked', 'unreadable')),
    detail     TEXT COLLATE "C",
    entry_json TEXT COLLATE "C"
);
CREATE INDEX entry_pages_source ON entry_pages (source_id, outcome, checked);

-- Other keys of one entry: a WeChat short link /s/CODE and the long link __biz/mid/idx the article page reveals.
CREATE TABLE entry_aliases (
    alias_key TEXT COLLATE "C" PRIMARY KEY,
    entry_key TEXT COLLATE "C" NOT NULL
);
CREATE INDEX entry_aliases_entry ON entry_aliases (entry_key);
