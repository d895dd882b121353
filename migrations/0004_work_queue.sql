-- Workers coordinated through the database (`mps batch --enqueue`, `mps worker`).
-- A queued row is a `row` item in state `pending` with the identifier in `input`; a worker
-- leases it (lease_owner, lease_until) and renews the lease by heartbeat; a lease that
-- expired (its worker died) lets another worker take the item. The final states are
-- written by the same upsert as ever, so a row finished twice leaves one set of rows.
ALTER TABLE job_items
    ADD COLUMN lease_owner text,
    ADD COLUMN lease_until timestamptz,
    ADD COLUMN priority smallint NOT NULL DEFAULT 2,
    ADD COLUMN search_type text;
CREATE INDEX job_items_queue ON job_items (job_id, priority, line)
    WHERE source = 'row' AND state = 'pending';
-- The heartbeat renews, and a stopping worker releases, the rows it holds.
CREATE INDEX job_items_leases ON job_items (lease_owner)
    WHERE source = 'row' AND state = 'pending' AND lease_owner IS NOT NULL;
-- A queued job: workers take its items; `needs_browser` keeps workers without browsers off it.
ALTER TABLE jobs
    ADD COLUMN queued boolean NOT NULL DEFAULT false,
    ADD COLUMN needs_browser boolean NOT NULL DEFAULT false;
-- Live workers, each with its last heartbeat: each takes its share of every host's rate.
CREATE TABLE workers (
    id           text PRIMARY KEY,
    host         text NOT NULL,
    pid          integer NOT NULL,
    browsers     integer NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    job_id       text
);
