-- Operations (issue 15). The first poll moves from min(fetches.started) to the sources row, so pruning old fetches
-- does not change staleness; a warning keeps a poll that succeeded with something wrong (a feed only partly read,
-- one account of many failing) apart from "ok"; the configuration hash tells a fixed source from an unchanged one.
ALTER TABLE sources ADD COLUMN first_poll TEXT;
ALTER TABLE sources ADD COLUMN last_warning TEXT;
UPDATE sources SET first_poll = (SELECT min(f.started) FROM fetches f WHERE f.source_id = sources.id);
CREATE INDEX fetches_started ON fetches (started);

-- Health per request of a source with several (the accounts of a WeChat mirror, the repos of a GitHub source): one
-- dead feed pauses itself, not its siblings.
CREATE TABLE request_health (
    source_id            TEXT NOT NULL,
    label                TEXT NOT NULL,
    last_success         TEXT,
    last_error           TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    paused_until         TEXT,
    PRIMARY KEY (source_id, label)
);
