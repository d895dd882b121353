-- Every run of a job (the first, then each --resume or --retry-failed) keeps its own
-- summary, so `mps jobs show` can total them; `summary` stays the last run's.
ALTER TABLE jobs ADD COLUMN runs jsonb NOT NULL DEFAULT '[]'::jsonb;
