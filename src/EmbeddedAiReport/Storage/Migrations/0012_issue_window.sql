-- Where an issue's window ends (issue 18): a published issue covers its draft's window, cut at the day it was published;
-- `--since-last` starts the day after. Imported issues leave it empty: their window ends on their date.
ALTER TABLE issues ADD COLUMN last_day TEXT;
