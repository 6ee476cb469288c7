-- An entry's tags move into its row: entries.tags holds them as one JSON object (tag → weight the tag added to the
-- score), written by the entry's own insert, instead of a row per tag in entry_tags (a cold poll of 9,000 entries wrote
-- ~73,000 tag rows, each with its key check and foreign-key check: a tenth of the poll's CPU). Null: no tags.
ALTER TABLE entries ADD COLUMN tags TEXT COLLATE "C";
UPDATE entries e SET tags = t.tags
FROM (SELECT entry_id, CAST(json_object_agg(tag, weight) AS TEXT) AS tags FROM entry_tags GROUP BY entry_id) t
WHERE t.entry_id = e.id;
DROP TABLE entry_tags;
