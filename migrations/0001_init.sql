-- mps schema, version 1: parcels, tax bills, recorded documents, sales and the job ledger.
--
-- Every child table has a real foreign key, yet no batch is ever rejected by one: the
-- writer inserts a stub parent (just the key) before any child row whose parent it has not
-- seen. APNs are stored in the dashed display form, `118-22-001A`.

-- Trigram indexes make owner and address look-ups (`ILIKE '%smith%'`, `%` similarity)
-- fast. pg_trgm is a trusted extension, so a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row per parcel. `data` keeps the Assessor's whole parcel record; the columns are the
-- parts people filter on. A stub (apn only, fetched_at NULL) stands in for a parcel known
-- only from a tax bill, a sale or a search match.
CREATE TABLE properties (
    apn               text PRIMARY KEY,
    owner_name        text,
    situs_street      text,
    situs_city        text,
    situs_zip         text,
    property_address  text,
    legal_description text,
    subdivision       text,
    use_code          text,
    tax_area_code     text,
    lot_size_sqft     bigint,
    is_residential    boolean,
    data              jsonb,
    -- When the Assessor's parcel record was fetched; NULL for stubs. `--max-age` reads it.
    fetched_at        timestamptz
);
CREATE INDEX properties_owner_name_trgm ON properties USING gin (owner_name gin_trgm_ops);
CREATE INDEX properties_property_address_trgm
    ON properties USING gin (property_address gin_trgm_ops);
CREATE INDEX properties_fetched_at ON properties (fetched_at);

-- The Assessor's valuation per tax year. Years accumulate: a later fetch that no longer
-- lists an old year leaves it in place.
CREATE TABLE valuations (
    apn              text NOT NULL REFERENCES properties (apn),
    tax_year         integer NOT NULL,
    fcv              bigint,
    lpv              bigint,
    legal_class_code text,
    legal_class      text,
    -- A fraction: 0.1 means 10 %.
    assessment_ratio numeric,
    assessed_lpv     bigint,
    assessed_fcv     bigint,
    use_code         text,
    tax_area_code    text,
    PRIMARY KEY (apn, tax_year)
);

-- The Treasurer's bill per tax year, in dollars.
CREATE TABLE tax_bills (
    apn        text NOT NULL REFERENCES properties (apn),
    tax_year   integer NOT NULL,
    billed     numeric(14, 2),
    paid       numeric(14, 2),
    due        numeric(14, 2),
    -- paid, unpaid or delinquent
    status     text,
    lien       boolean,
    fetched_at timestamptz,
    PRIMARY KEY (apn, tax_year)
);

-- The payments of one bill, in the Treasurer's order (seq 0, 1, ...). A bill's payments
-- are replaced as a whole each time the bill is written.
CREATE TABLE tax_payments (
    apn         text NOT NULL,
    tax_year    integer NOT NULL,
    seq         integer NOT NULL,
    paid_on     date,
    amount      numeric(14, 2),
    description text,
    PRIMARY KEY (apn, tax_year, seq),
    FOREIGN KEY (apn, tax_year) REFERENCES tax_bills (apn, tax_year)
);

-- Recorder documents. A document known only from a sale carries what the sale said
-- (date, codes, names); the Recorder's own record overwrites it when it arrives.
CREATE TABLE documents (
    recording_number  text PRIMARY KEY,
    recording_date    date,
    codes             text[],
    names             text[],
    page_count        integer,
    docket_book       integer,
    page_map          integer,
    affidavit_present boolean,
    restricted        boolean,
    fetched_at        timestamptz
);

-- Why a document belongs to a parcel: found under the owner's names (owner_document), a
-- sale in the deed history (sale), or the Assessor's most recent deed (last_deed).
CREATE TABLE parcel_documents (
    apn              text NOT NULL REFERENCES properties (apn),
    recording_number text NOT NULL REFERENCES documents (recording_number),
    role             text NOT NULL,
    -- For owner_document: the owner names the document was found under.
    matched_names    text[],
    PRIMARY KEY (apn, recording_number, role)
);

-- Transfers of a parcel. Only the Assessor's last deed is certain; earlier ones are
-- matched by name at the Recorder and say how sure the match is and why.
CREATE TABLE sales (
    apn              text NOT NULL REFERENCES properties (apn),
    recording_number text NOT NULL REFERENCES documents (recording_number),
    recording_date   date,
    sale_price       bigint,
    -- assessor_last_deed or owner_name_search
    found_by         text,
    -- high, medium or low
    match_confidence text,
    match_reason     text,
    PRIMARY KEY (apn, recording_number)
);

-- The ledger: one row per batch job ...
CREATE TABLE jobs (
    id          text PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    mode        text,
    strategy    text,
    status      text NOT NULL DEFAULT 'running',
    params      jsonb,
    summary     jsonb,
    finished_at timestamptz
);

-- ... and one row per input line and source: `row` is the line as a whole, the others are
-- assessor, tax, sales and documents.
CREATE TABLE job_items (
    job_id     text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    line       bigint NOT NULL,
    source     text NOT NULL,
    state      text NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    last_error text,
    input      text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, line, source)
);
CREATE INDEX job_items_job_state ON job_items (job_id, state);
