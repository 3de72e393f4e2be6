-- The audit trail: append-only, partitioned by month on the event's time. Keys include the
-- partition column (PostgreSQL requires it). Partitions are created ahead of time by
-- `npm run db:migrate` / `db:maintain`; there is no DEFAULT partition, so retention is always
-- a DROP of whole months.
CREATE SCHEMA IF NOT EXISTS records;

CREATE TABLE records.audit_events (
  time timestamptz NOT NULL,
  id uuid NOT NULL,
  chain text NOT NULL,
  seq bigint NOT NULL,
  instance text NOT NULL,
  kind text COLLATE "C" NOT NULL,
  result text NOT NULL,
  actor text,
  customer_id text,
  partner_id text,
  grant_id text,
  source_address text,
  -- The event exactly as written (JSON): verification hashes it, the columns above are for search.
  body text NOT NULL,
  PRIMARY KEY (time, id)
) PARTITION BY RANGE (time);

-- What the console and the incident export search by, each with the keyset order (time, id).
CREATE INDEX audit_events_by_customer ON records.audit_events (customer_id, time, id) WHERE customer_id IS NOT NULL;
CREATE INDEX audit_events_by_partner ON records.audit_events (partner_id, time, id) WHERE partner_id IS NOT NULL;
CREATE INDEX audit_events_by_grant ON records.audit_events (grant_id, time, id) WHERE grant_id IS NOT NULL;
CREATE INDEX audit_events_by_kind ON records.audit_events (kind, time, id);
CREATE INDEX audit_events_by_result ON records.audit_events (result, time, id);
CREATE INDEX audit_events_by_source ON records.audit_events (source_address, time, id) WHERE source_address IS NOT NULL;
-- Verification reads each chain in order.
CREATE INDEX audit_events_by_chain ON records.audit_events (chain, seq);

-- Signed checkpoints of the chains (and the retention checkpoints written before a drop). Small:
-- kept whole, so that a chain can be verified from a checkpoint after its oldest months are gone.
CREATE TABLE records.audit_checkpoints (
  id text PRIMARY KEY,
  time timestamptz NOT NULL,
  chain text NOT NULL,
  seq bigint NOT NULL,
  jws text NOT NULL
);
CREATE INDEX audit_checkpoints_by_chain ON records.audit_checkpoints (chain, seq);

-- Every retention drop: events before cut_before were removed on purpose.
CREATE TABLE records.audit_retention (
  cut_before timestamptz PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
