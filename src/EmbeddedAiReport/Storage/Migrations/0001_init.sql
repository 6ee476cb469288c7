-- Initial schema (design.md §4). Times are UTC ISO-8601 text written by SqliteTime.
CREATE TABLE sources (
    id                   TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL,
    config_hash          TEXT,
    last_poll            TEXT,
    last_success         TEXT,
    last_error           TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    paused_until         TEXT,
    last_new_entry       TEXT
);

-- Conditional-GET validators per source and address (a source may fetch several addresses).
CREATE TABLE http_validators (
    source_id     TEXT NOT NULL,
    url           TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    PRIMARY KEY (source_id, url)
);

CREATE TABLE fetches (
    id          INTEGER PRIMARY KEY,
    source_id   TEXT NOT NULL,
    started     TEXT NOT NULL,
    duration_ms INTEGER,
    http_status INTEGER,
    bytes       INTEGER,
    seen        INTEGER NOT NULL DEFAULT 0,
    new         INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    error       TEXT
);
CREATE INDEX fetches_source ON fetches (source_id, started);

CREATE TABLE stories (
    id               INTEGER PRIMARY KEY,
    primary_entry_id INTEGER,
    created          TEXT NOT NULL
);

CREATE TABLE entries (
    id             INTEGER PRIMARY KEY,
    source_id      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    canonical_key  TEXT NOT NULL UNIQUE,
    url            TEXT NOT NULL,
    canonical_url  TEXT,
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '',
    account        TEXT,
    published      TEXT,
    first_seen     TEXT NOT NULL,
    updated        TEXT NOT NULL,
    window_time    TEXT NOT NULL,       -- published, else first_seen: what editorial windows select on
    first_fetch_id INTEGER,
    content_hash   TEXT NOT NULL,
    language       TEXT,
    section        TEXT,
    prefix         TEXT,
    version        INTEGER,
    score          REAL NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'candidate'
                   CHECK (status IN ('candidate', 'shortlisted', 'rejected', 'published')),
    story_id       INTEGER REFERENCES stories (id)
);
CREATE INDEX entries_window ON entries (window_time);
CREATE INDEX entries_story ON entries (story_id);
CREATE INDEX entries_source ON entries (source_id);

CREATE TABLE entry_tags (
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    weight   REAL NOT NULL DEFAULT 1,
    PRIMARY KEY (entry_id, tag)
);
CREATE INDEX entry_tags_tag ON entry_tags (tag);

CREATE TABLE entry_links (
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    target   TEXT NOT NULL,
    url      TEXT NOT NULL,
    PRIMARY KEY (entry_id, kind, target)
);
CREATE INDEX entry_links_target ON entry_links (target);

CREATE TABLE issues (
    id       INTEGER PRIMARY KEY,
    date     TEXT NOT NULL UNIQUE,
    title    TEXT,
    imported TEXT NOT NULL
);

CREATE TABLE issue_items (
    issue_id      INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    canonical_key TEXT NOT NULL,
    section       TEXT,
    title         TEXT NOT NULL,
    url           TEXT NOT NULL,
    PRIMARY KEY (issue_id, canonical_key)
);
CREATE INDEX issue_items_key ON issue_items (canonical_key);
