-- The facts cache (immutable facts, remembered across runs and jobs): a document read in
-- full at the Recorder (every party and code, pages, affidavit, restriction) is marked
-- `complete`, so a document known only from a name-index row or from a sale is never taken
-- for one; and each sales-chain step worked out once is kept in `sales_links`.
ALTER TABLE documents ADD COLUMN complete boolean NOT NULL DEFAULT false;
UPDATE documents SET complete = true
 WHERE page_count IS NOT NULL AND cardinality(names) > 0 AND fetched_at IS NOT NULL;

CREATE TABLE sales_links (
    key       text PRIMARY KEY,
    link      jsonb NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);
