-- The store's schema. Every table is derived from the source files and the
-- boundaries file; nothing here is edited by hand. Dates are DATE, money is
-- DECIMAL euros (exact sums: a province's share must come out at 21 %, not
-- 20.999…), NIS codes are 5-character text.

CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE communes (            -- every Belgian municipality of the 2019 set
    nis_code VARCHAR PRIMARY KEY,
    name_fr VARCHAR NOT NULL,
    name_nl VARCHAR,
    arr_nis VARCHAR,
    arrondissement VARCHAR,
    prov_nis VARCHAR,
    province VARCHAR,
    reg_nis VARCHAR,
    region VARCHAR,
    population INTEGER NOT NULL     -- 1 January 2020, Statbel
);

CREATE TABLE commune_periods (     -- the province's communes through time (mergers)
    nis_code VARCHAR NOT NULL,
    valid_from DATE,               -- NULL: since before the centrale
    valid_to DATE,                 -- NULL: still exists; inclusive
    population INTEGER NOT NULL,
    geojson VARCHAR NOT NULL       -- simplified shape, WGS84
);

CREATE TABLE commune_mergers (old_nis VARCHAR, new_nis VARCHAR, merged_on DATE, source VARCHAR);

CREATE TABLE provinces (prov_nis VARCHAR PRIMARY KEY, name_fr VARCHAR, reg_nis VARCHAR,
                        population INTEGER);

CREATE TABLE solutions (
    solution_id VARCHAR PRIMARY KEY,
    name_fr VARCHAR NOT NULL,
    category VARCHAR,
    catalogue VARCHAR,
    description VARCHAR
);

CREATE TABLE framework (
    solution_id VARCHAR NOT NULL,
    provider VARCHAR NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE
);

CREATE TABLE adhesions (
    commune_nis VARCHAR NOT NULL,
    signed_on DATE NOT NULL,
    withdrawn_on DATE,
    source_file VARCHAR,
    source_row INTEGER
);

CREATE TABLE orders (
    order_id VARCHAR PRIMARY KEY,
    commune_nis VARCHAR NOT NULL,
    solution_id VARCHAR NOT NULL,
    sent_on DATE NOT NULL,
    awarded_on DATE,
    provider VARCHAR,
    amount_eur DECIMAL(14, 2),
    status VARCHAR NOT NULL,
    source_file VARCHAR,
    source_row INTEGER
);

CREATE TABLE subsidies (
    call VARCHAR NOT NULL,
    call_year INTEGER NOT NULL,
    beneficiary VARCHAR NOT NULL,
    beneficiary_nis VARCHAR,        -- NULL when the beneficiary is not a commune
    project VARCHAR,
    amount_eur DECIMAL(14, 2) NOT NULL,
    prov_nis VARCHAR NOT NULL
);

CREATE TABLE survey_answers (
    year INTEGER NOT NULL,
    commune_nis VARCHAR NOT NULL,
    need_solution_id VARCHAR,       -- a catalogue solution, or NULL for a new need
    need_label VARCHAR,             -- as the commune wrote it; NULL with no_needs
    no_needs BOOLEAN NOT NULL,      -- the commune answered and has no needs
    priority INTEGER,
    horizon INTEGER,
    budget_eur DECIMAL(14, 2),
    submitted_on DATE,
    respondent VARCHAR,
    comment VARCHAR,
    source_file VARCHAR,
    source_row INTEGER
);

CREATE TABLE offers (              -- every offer received for an order (mini-competition)
    order_id VARCHAR NOT NULL,
    provider VARCHAR NOT NULL,
    amount_eur DECIMAL(14, 2) NOT NULL,
    price_points DOUBLE,
    quality_points DOUBLE,
    total_points DOUBLE,            -- as given, or price + quality points
    received_on DATE,
    chosen BOOLEAN NOT NULL,
    source_file VARCHAR,
    source_row INTEGER
);

CREATE TABLE events (              -- contacts with the communes (roles, never names)
    held_on DATE NOT NULL,
    kind VARCHAR NOT NULL,          -- séance d'information, visite, présentation au collège…
    title VARCHAR,
    commune_nis VARCHAR NOT NULL,
    roles VARCHAR,
    has_bourgmestre BOOLEAN NOT NULL,
    people INTEGER,
    source_file VARCHAR,
    source_row INTEGER
);

CREATE TABLE survey_campaigns (year INTEGER PRIMARY KEY, sent_on DATE NOT NULL, deadline DATE);

CREATE TABLE load_log (
    load_id INTEGER PRIMARY KEY,
    loaded_at TIMESTAMP NOT NULL,
    loaded_by VARCHAR,
    action VARCHAR NOT NULL,        -- build | restore | …
    sources_dir VARCHAR,
    row_counts VARCHAR,             -- JSON: table -> rows
    warnings VARCHAR                -- JSON: list of warning texts
);

CREATE TABLE load_files (
    load_id INTEGER NOT NULL,
    file VARCHAR NOT NULL,
    kind VARCHAR,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT,
    rows INTEGER
);

-- Which NIS code a commune's rows count for on day d: its successor once merged.
-- (A commune is absorbed at most once. On big tables prefer the equivalent
-- LEFT JOIN commune_mergers ON old_nis = … AND merged_on <= d, as the macros
-- below do: joining ON effective_nis(…) costs seconds at scale.)
CREATE MACRO effective_nis(nis, d) AS
    coalesce((SELECT m.new_nis FROM commune_mergers m
              WHERE m.old_nis = nis AND m.merged_on <= d), nis);

-- The province's communes as they existed on day d.
CREATE MACRO communes_at(d) AS TABLE
    SELECT c.nis_code, c.name_fr, c.arrondissement, c.arr_nis, p.population, p.geojson
    FROM commune_periods p JOIN communes c USING (nis_code)
    WHERE (p.valid_from IS NULL OR p.valid_from <= d)
      AND (p.valid_to IS NULL OR p.valid_to >= d);

-- Adhesions signed on or before d, counted for the commune that exists on d.
CREATE MACRO adhesions_at(d) AS TABLE
    SELECT coalesce(m.new_nis, a.commune_nis) AS commune_nis, a.commune_nis AS signed_by_nis,
           a.signed_on, a.withdrawn_on,
           (a.withdrawn_on IS NULL OR a.withdrawn_on > d) AS active
    FROM adhesions a
    -- effective_nis as a join: the correlated subquery costs 2.5x on a million orders.
    LEFT JOIN commune_mergers m ON m.old_nis = a.commune_nis AND m.merged_on <= d
    WHERE a.signed_on <= d;

-- The solutions that exist on day d: on offer (a framework agreement started on or
-- before d, even if it has ended since) or already ordered (an order sent on or before
-- d). A solution of a later catalogue ("2.0" before its agreements) does not exist yet.
CREATE MACRO solutions_at(d) AS TABLE
    SELECT s.* FROM solutions s
    WHERE s.solution_id IN (SELECT solution_id FROM framework WHERE starts_on <= d)
       OR s.solution_id IN (SELECT solution_id FROM orders WHERE sent_on <= d);

-- Orders sent on or before d, with what was known on d (an award after d is pending).
CREATE MACRO orders_at(d) AS TABLE
    SELECT o.order_id, coalesce(m.new_nis, o.commune_nis) AS commune_nis,
           o.commune_nis AS ordered_by_nis, o.solution_id, o.sent_on,
           CASE WHEN o.awarded_on <= d THEN o.awarded_on END AS awarded_on,
           CASE WHEN o.awarded_on <= d THEN o.provider END AS provider,
           o.amount_eur,
           CASE WHEN o.awarded_on <= d THEN {status_awarded}
                WHEN o.status = {status_cancelled} THEN {status_cancelled}
                ELSE {status_sent} END AS status,
           CASE WHEN o.awarded_on <= d THEN date_diff('day', o.sent_on, o.awarded_on) END
               AS lead_days,
           CASE WHEN o.status <> {status_cancelled} AND (o.awarded_on IS NULL OR o.awarded_on > d)
                THEN date_diff('day', o.sent_on, d) END AS days_pending
    FROM orders o
    LEFT JOIN commune_mergers m ON m.old_nis = o.commune_nis AND m.merged_on <= d
    WHERE o.sent_on <= d;

-- Survey answers known on day d (submitted by then), counted for the commune
-- that exists on d; answered_as_nis keeps the commune that actually answered.
CREATE MACRO survey_answers_at(d) AS TABLE
    SELECT coalesce(m.new_nis, a.commune_nis) AS commune_nis,
           a.commune_nis AS answered_as_nis, a.* EXCLUDE (commune_nis)
    FROM survey_answers a
    LEFT JOIN commune_mergers m ON m.old_nis = a.commune_nis AND m.merged_on <= d
    WHERE a.submitted_on IS NULL OR a.submitted_on <= d;

-- Contacts held on or before d, counted for the commune that exists on d.
CREATE MACRO events_at(d) AS TABLE
    SELECT e.held_on, e.kind, e.title, coalesce(m.new_nis, e.commune_nis) AS commune_nis,
           e.commune_nis AS met_as_nis, e.roles, e.has_bourgmestre, e.people
    FROM events e
    LEFT JOIN commune_mergers m ON m.old_nis = e.commune_nis AND m.merged_on <= d
    WHERE e.held_on <= d;
