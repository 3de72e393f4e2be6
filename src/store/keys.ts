import { OIDC_KEY_KINDS } from './oidc-adapter.ts';

/**
 * Every kind of key the server writes to its store: what it holds and how long it lives. The
 * modules that own each kind build the keys; this list is what operators and tools read
 * (docs/store-keys.md is generated from it; `npm run store:check` and the key-bound test check a
 * store against it). A key that is `permanent` has no TTL on purpose; every other key must have
 * one. `endingRecord` marks what is kept of a linkage after it ends.
 */
export interface KeyKind {
  /** The key as documentation shows it ({x} is a part, {{x}} a Redis Cluster hash tag). */
  pattern: string;
  match: RegExp;
  holds: string;
  ttl: string;
  owner: string;
  permanent?: true;
  /** Kept (for a while) when its linkage has ended. */
  endingRecord?: true;
}

export const KEY_KINDS: readonly KeyKind[] = [
  ...OIDC_KEY_KINDS.map((k) => ({ ...k, owner: 'src/store/oidc-adapter.ts' })),
  {
    pattern: 'grant:{{grantId}}',
    match: /^grant:\{/,
    holds: 'the linkage as the bank keeps it: customer, partner, accounts, scopes, terms version, consent id',
    ttl: "until the linkage's absolute end; deleted when it ends",
    owner: 'src/grants/grant-records.ts',
  },
  {
    pattern: 'consent:{{grantId}}:{consentId}',
    match: /^consent:\{/,
    holds: 'consent evidence: what the customer was shown and agreed to (masked account numbers)',
    ttl: '`lifetimes.consentRecordRetentionDays` (default 3650 days), whatever happens to the linkage',
    owner: 'src/grants/consent-records.ts',
    endingRecord: true,
  },
  {
    pattern: 'grant-ended:{{grantId}}',
    match: /^grant-ended:\{/,
    holds: 'tombstone: why and when a linkage ended; while `stage` is not "done", an ending under way',
    ttl: '400 days',
    owner: 'src/grants/revocation.ts',
    endingRecord: true,
  },
  {
    pattern: 'grant-last-used:{{grantId}}',
    match: /^grant-last-used:\{/,
    holds: 'when the linkage last served data (ms), for the customer page',
    ttl: "until the linkage's end; deleted when it ends",
    owner: 'src/grants/last-used.ts',
  },
  {
    pattern: 'idx:grants-by-customer:{customerId} / idx:grants-by-partner:{partnerId}',
    match: /^idx:grants-by-(customer|partner):/,
    holds: "sorted sets of grant ids, scored by each linkage's end (epoch s), pruned on each write",
    ttl: 'grows to its longest-lived member',
    owner: 'src/grants/grant-records.ts',
  },
  {
    pattern: 'idx:consents-by-customer:{customerId}',
    match: /^idx:consents-by-customer:/,
    holds: "sorted set of a customer's consent evidence keys, scored by their end of retention",
    ttl: 'grows to its longest-lived member',
    owner: 'src/grants/consent-records.ts',
    endingRecord: true,
  },
  {
    pattern: 'linkage-journal',
    match: /^linkage-journal$/,
    holds: 'sorted set of makings and endings under way (scored by start, ms); the sweeper finishes old ones',
    ttl: '30 days, renewed by each entry; empty when nothing is under way',
    owner: 'src/grants/linkages.ts',
  },
  {
    pattern: 'refresh-token-grant:{refreshTokenId}',
    match: /^refresh-token-grant:/,
    holds: "a refresh token's grant and expiry, so a late refresh is told `reauthorization_required`",
    ttl: '400 days',
    owner: 'src/protocol/refresh-errors.ts',
    endingRecord: true,
  },
  {
    pattern: 'interaction-state:{uid}',
    match: /^interaction-state:/,
    holds: "a customer's place in API連携認証 (identity checked, step)",
    ttl: '`lifetimes.interactionSeconds`',
    owner: 'src/interaction/state.ts',
  },
  {
    pattern: 'throttle:identity-check:address:{{address or /64}}:{window} / …:global:{all}:{window}',
    match: /^throttle:identity-check:/,
    holds: 'failed identity checks per client address, and of all clients, per window (two windows read together)',
    ttl: 'two windows (`identityCheck.ipLimit.windowSeconds`, `identityCheck.globalLimit.windowSeconds`)',
    owner: 'src/identity-check/identity-check.ts',
  },
  {
    pattern: 'otp-last-step:{customerId} / otp-used:{customerId}:{step}',
    match: /^otp-(last-step|used):/,
    holds: 'one-time codes already used (replay)',
    ttl: 'a few TOTP steps',
    owner: 'src/identity-check/identity-check.ts',
  },
  {
    pattern: 'core:login-failures:{{account}} / …:locked',
    match: /^core:login-failures:\{/,
    holds: "the demo core system's consecutive PIN failures and lock of a login account",
    ttl:
      'an account the core system knows: none (the lock stays until the branch unlocks it); ' +
      'an unknown account reference: `demo.unknownAccountFailureSeconds` (default 1 hour)',
    owner: 'src/core-banking/demo/login-failures.ts',
  },
  {
    pattern: 'my-session:{id} / admin-session:{id}',
    match: /^(my|admin)-session:/,
    holds: "a customer's /my session, a staff member's console session",
    ttl: 'the session idle limit (never beyond its maximum)',
    owner: 'src/http/server-sessions.ts',
  },
  {
    pattern: 'dpop:{{accessToken}}:{jti}',
    match: /^dpop:\{/,
    holds:
      "DPoP proofs already seen by the APIs (replay), under their access token's hash tag: set in one script " +
      'with the token read',
    ttl: 'the proof acceptance window: `2 × dpop.iatToleranceSeconds + 5` s',
    owner: 'src/web/tokens/check-sender-constraint.ts',
  },
  {
    pattern: 'staff:{username}',
    match: /^staff:/,
    holds: 'a staff account (role, password hash, TOTP secret)',
    ttl: 'none: removed by an admin',
    owner: 'src/admin/staff/staff-accounts.ts',
    permanent: true,
  },
  {
    pattern: 'staff-totp-last:{username} / staff-totp-used:{username}:{step}',
    match: /^staff-totp-(last|used):/,
    holds: 'staff one-time codes already used (replay)',
    ttl: 'a few TOTP steps',
    owner: 'src/admin/staff/staff-totp.ts',
  },
  {
    pattern: 'admin-login-failures:user:{name} / admin-login-failures:ip:{ip}',
    match: /^admin-login-failures:/,
    holds: 'failed staff sign-ins per name and per address',
    ttl: 'the console throttle window',
    owner: 'src/admin/console/login-throttle.ts',
  },
  {
    pattern: 'partner:{clientId}',
    match: /^partner:/,
    holds: "an operator's change to a partner (state, added or removed partner)",
    ttl: 'none: the operator changes it back',
    owner: 'src/partners/registry.ts',
    permanent: true,
  },
  {
    pattern: 'partner-event:{id} / partner-event-lock:{id} / partner-events:pending',
    match: /^partner-event(s:pending|:|-lock:)/,
    holds: 'Security Event Tokens queued for partners, their send locks, the pending set',
    ttl: 'the retry schedule (about a day); a lock a few seconds',
    owner: 'src/partner-events/delivery-queue.ts',
  },
  {
    pattern: 'availability:restriction:{id} / availability:one-off-window:{id} (and …:index)',
    match: /^availability:(restriction|one-off-window):/,
    holds: "operators' restrictions (terms 7.3) and one-off maintenance windows, and their index sets",
    ttl: 'a little after their end; one without an end: none, until an operator lifts it (index: 10 years)',
    owner: 'src/availability/stored-collection.ts',
    permanent: true,
  },
  {
    pattern: 'notice:{id} / notice-lock:{id} / notices:pending',
    match: /^notice(s:pending$|:|-lock:)/,
    holds: 'notices to customers queued for their channel (e-mail, webhook), their send locks, the pending set',
    ttl: 'the retry schedule plus a day; a lock a few seconds',
    owner: 'src/notifier/notice-queue.ts',
  },
  {
    pattern: 'notice-dead:{id} / notices:dead',
    match: /^notice(s:dead$|-dead:)/,
    holds: 'notices given up after their last retry (dead letters), for staff to follow up',
    ttl: '30 days',
    owner: 'src/notifier/notice-queue.ts',
  },
  {
    pattern: 'outbox:{id} / idx:outbox-customer:{customerId} / idx:outbox',
    match: /^(outbox:|idx:outbox)/,
    holds: "the demo notifier's outbox (demo mode only)",
    ttl: '30 days',
    owner: 'src/notifier/demo-outbox.ts',
  },
  {
    pattern: 'audit:events:{instance} / audit:events / audit:checkpoints',
    match: /^audit:(events(:.+)?|checkpoints)$/,
    holds:
      "the audit trail: each instance's buffer stream (group commits), the older shared stream, and the signed " +
      'checkpoints (streams, trimmed by `audit.retentionDays`)',
    ttl: 'none: streams are trimmed entry by entry, never expire',
    owner: 'src/audit/audit-trail.ts',
    permanent: true,
  },
];

/** The kind a key belongs to, or undefined for a key nothing here writes. */
export const kindOf = (key: string): KeyKind | undefined => KEY_KINDS.find((k) => k.match.test(key));

/** docs/store-keys.md, generated from KEY_KINDS (`npm run docs:store-keys`; a test checks it is current). */
export const renderStoreKeysDoc = (): string => {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = KEY_KINDS.map(
    (k) =>
      `| \`${cell(k.pattern)}\` | ${cell(k.holds)} | ${cell(k.ttl)} | ${k.permanent ? 'yes' : ''} | ${
        k.endingRecord ? 'yes' : ''
      } | \`${k.owner}\` |`,
  );
  return [
    '# Store keys',
    '',
    '<!-- Generated from src/store/keys.ts by `npm run docs:store-keys`; do not edit by hand. -->',
    '',
    'Every key the server writes to its store (embedded memory, Redis, Redis Cluster), what it holds and',
    'how long it lives. All keys are under `store.keyPrefix` on Redis. `{x}` is a part of the key;',
    '`{{x}}` is a Redis Cluster hash tag: the keys of one linkage share its grant id as tag, so they sit',
    'in one slot and are written and deleted together.',
    '',
    '**Permanent** keys have no TTL on purpose; every other key must have one (`npm run store:check`',
    'reports any that has not, and a test runs a workload and fails on a key without TTL that is not',
    'permanent). **Ending record**: what is kept of a linkage once it has ended; everything else of it',
    'goes when it ends.',
    '',
    '| key | holds | TTL | permanent | ending record | owner |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
};
