-- LSH bands live in memory now (Dedup/BandIndex.cs, rebuilt from entry_signatures): the table cost most of ingest time.
DROP INDEX IF EXISTS entry_bands_entry;
DROP TABLE IF EXISTS entry_bands;
