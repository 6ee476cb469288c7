-- An arxiv-api poll that left papers out as older than its 'days' said so on its line only, so `sources` and GET /sources
-- showed a source that stored none with no word why. The last poll's note is kept with the source's health (NULL: the
-- last poll left nothing out).
ALTER TABLE sources ADD COLUMN last_left_out TEXT COLLATE "C";
