import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreEventSchema } from '../../src/core-events/schema.ts';
import { TOLD_TO_PARTNER } from '../../src/partner-events/index.ts';
import { PARTNER_SCOPES } from '../../src/partners/schema.ts';
import { LABELLED_KINDS, LABELLED_REASONS, LABELLED_SCOPES, labelsFor } from '../../src/admin/i18n/labels.ts';

/**
 * The console shows words, not codes: every scope a partner may hold, every way a linkage ends
 * and every audit event kind the server records has a Japanese and an English label; a code
 * without one reads as a generic label with the code beside it.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** The families of audit kinds: "admin.login", "token.issued", ... */
const FAMILIES =
  /^(admin|audit|code|consent|core_event|data|eligibility|grant|identity_check|linkage|notice|partner_event|token)\./;

/** Every kind written as a literal on a line about a kind (`kind: 'x.y'`, `kind === 'x.y'`, `cond ? 'a.b' : 'c.d'`). */
const recordedKinds = (): string[] => {
  const kinds = new Set<string>();
  for (const path of sourceFiles(SRC)) {
    if (path.includes(`${join('admin', 'i18n')}`)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!/\bkind\b/.test(line)) continue;
      for (const [, literal] of line.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g))
        if (FAMILIES.test(literal)) kinds.add(literal);
    }
  }
  // Core events are recorded as `core_event.${type}`.
  for (const alternative of coreEventSchema.oneOf) kinds.add(`core_event.${alternative.properties.type.const}`);
  return [...kinds].sort();
};

test('every scope a partner may be given has a label', () => {
  expect(PARTNER_SCOPES.filter((s) => !LABELLED_SCOPES.includes(s))).toEqual([]);
});

test('every way a linkage can end has a label', () => {
  expect(Object.keys(TOLD_TO_PARTNER).filter((r) => !LABELLED_REASONS.includes(r))).toEqual([]);
});

test('every audit event kind recorded under src/ has a label', () => {
  const kinds = recordedKinds();
  // The scan finds the kinds (a broken scan would pass trivially).
  expect(kinds).toEqual(expect.arrayContaining(['admin.search', 'token.issued', 'core_event.account.status_changed']));
  expect(kinds.filter((k) => !LABELLED_KINDS.includes(k))).toEqual([]);
});

test('labels are words in both languages, and never the code itself', () => {
  for (const locale of ['ja', 'en'] as const) {
    const labels = labelsFor(locale);
    for (const code of LABELLED_SCOPES) expect(labels.scopeLabel(code)).not.toContain(code);
    for (const code of LABELLED_REASONS) expect(labels.reasonLabel(code)).not.toContain(code);
    for (const code of LABELLED_KINDS) expect(labels.kindLabel(code)).not.toContain(code);
  }
  expect(labelsFor('ja').reasonLabel('revoked_by_bank')).toBe('当組合（職員）が終了');
  expect(labelsFor('ja').scopesLabel(['accounts', 'deposits'])).toBe('口座情報、残高・入出金明細');
});

test('a code without a label reads as a generic label with the code beside it', () => {
  const ja = labelsFor('ja');
  expect(ja.kindLabel('future.kind')).toBe('その他の記録（future.kind）');
  expect(ja.scopeLabel('payments')).toBe('その他の範囲（payments）');
  expect(ja.reasonLabel('moved_away')).toBe('その他の終了（moved_away）');
  expect(labelsFor('en').kindLabel('future.kind')).toBe('Other event (future.kind)');
  // Not even an inherited name passes for a label.
  expect(ja.kindLabel('constructor')).toBe('その他の記録（constructor）');
});

test("an event's details read as words: the ending reason and the scopes labelled, free text as it is", () => {
  const { detailLines } = labelsFor('ja');
  expect(
    detailLines({ grantId: 'g1', reason: 'revoked_by_bank', scopes: 'accounts deposits', note: '障害対応' }),
  ).toEqual(['連携ID: g1', '理由: 当組合（職員）が終了', '範囲: 口座情報、残高・入出金明細', 'メモ: 障害対応']);
  expect(detailLines({ reason: '契約終了', unknownName: { a: 1 } })).toEqual([
    '理由: 契約終了',
    'unknownName: {"a":1}',
  ]);
  // What the provider and the notifier record: the token's type, its expiry (UTC in the trail), the notice sent.
  expect(
    detailLines({ type: 'access_token', grantType: 'refresh_token', expiresAt: '2026-12-01T15:30:09.000Z' }),
  ).toEqual(['種類: アクセストークン', '発行の方法: 更新トークン', '有効期限: 2026-12-02 00:30:09（日本時間）']);
  expect(detailLines({ notice: 'linkage.created' })).toEqual(['通知の内容: 連携の開始']);
});
