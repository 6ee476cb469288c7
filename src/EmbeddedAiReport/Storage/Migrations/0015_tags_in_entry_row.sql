-- An entry's tags move into its row: entries.tags holds them as one JSON object (tag → weight the tag added to the
-- score), written by the entry's own insert, instead of a row per tag in entry_tags (a cold poll of 9,000 entries wrote
-- ~73,000 tag rows, each with its key check and foreign-key check: a tenth of the poll's CPU). Null: no tags.
ALTER TABLE entries ADD COLUMN tags TEXT;
-- Weights as 17 significant digits, which read back as the same double (SQLite's JSON writes a real with 15).
UPDATE entries SET tags = (SELECT json_group_object(t.tag, json(printf('%!.17g', t.weight))) FROM entry_tags t WHERE t.entry_id = entries.id)
WHERE id IN (SELECT entry_id FROM entry_tags);
DROP TABLE entry_tags;
