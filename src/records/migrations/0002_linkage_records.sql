-- Consent evidence (what the customer was shown and agreed to) and every lifecycle event of a
-- linkage. Both outlive the grant: kept for lifetimes.consentRecordRetentionDays.
CREATE TABLE records.consent_evidence (
  consent_id text PRIMARY KEY,
  grant_id text NOT NULL,
  customer_id text NOT NULL,
  partner_id text NOT NULL,
  consented_at timestamptz NOT NULL,
  body jsonb NOT NULL
);
CREATE INDEX consent_evidence_by_customer ON records.consent_evidence (customer_id, consented_at);
CREATE INDEX consent_evidence_by_grant ON records.consent_evidence (grant_id);

CREATE TABLE records.linkage_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  grant_id text NOT NULL,
  customer_id text NOT NULL,
  partner_id text NOT NULL,
  kind text NOT NULL,
  time timestamptz NOT NULL,
  actor text,
  reason text,
  details jsonb
);
CREATE INDEX linkage_events_by_customer ON records.linkage_events (customer_id, time);
CREATE INDEX linkage_events_by_grant ON records.linkage_events (grant_id, time);
