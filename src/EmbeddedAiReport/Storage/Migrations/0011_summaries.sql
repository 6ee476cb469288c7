-- Chinese 摘要 written by a model (issue 20). One row per model answer, keyed by what was asked: the entry's content hash,
-- the model and the prompt template's version, so an unchanged entry is never asked twice and a changed one is asked again.
-- text is the accepted 摘要; an answer that failed a check keeps text NULL and says why in problem. The editor's summary
-- (entry_overrides.summary) always wins over text when a draft is built; nothing here ever writes entry_overrides.
CREATE TABLE summaries (
    content_hash TEXT NOT NULL,
    model        TEXT NOT NULL,
    prompt       TEXT NOT NULL,
    entry_id     INTEGER REFERENCES entries (id) ON DELETE SET NULL,   -- the entry it was asked for: the week it counts in
    text         TEXT,
    answer       TEXT NOT NULL,                                        -- what the model said (normalized)
    problem      TEXT,
    created      TEXT NOT NULL,
    PRIMARY KEY (content_hash, model, prompt)
);
CREATE INDEX summaries_entry ON summaries (entry_id);

-- One row per summarizer run (summarize, export --summaries, the weekly export job): the summarizer's health.
CREATE TABLE summary_runs (
    id           INTEGER PRIMARY KEY,
    started      TEXT NOT NULL,
    model        TEXT NOT NULL,
    calls        INTEGER NOT NULL,
    accepted     INTEGER NOT NULL,
    refused      INTEGER NOT NULL,
    error        TEXT,   -- why calls stopped (unreachable, HTTP 429, timeout, malformed answer); NULL when none failed
    retry_at     TEXT    -- a Retry-After the endpoint gave: no calls before then
);
