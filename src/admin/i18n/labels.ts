import type { GrantEnding } from '../../grants/revocation.ts';
import type { Locale } from '../../i18n/index.ts';
import { PARTNER_SCOPES } from '../../partners/schema.ts';
import { formatJst } from '../console/format.ts';

/**
 * Staff read words, not codes: scopes, how a linkage ended, audit event kinds, the names in an
 * event's details. A code without a label (a kind added later) is shown as a generic label with
 * the code beside it, so nothing is hidden and nothing passes for a word.
 */
interface Label {
  ja: string;
  en: string;
}
type Labels = Record<string, Label>;

type PartnerScope = (typeof PARTNER_SCOPES)[number];

const SCOPES: Record<PartnerScope, Label> = {
  openid: { ja: '本人の識別（OpenID）', en: 'Identity (OpenID)' },
  offline_access: { ja: '継続した利用（更新トークン）', en: 'Continued access (refresh token)' },
  accounts: { ja: '口座情報', en: 'Account information' },
  deposits: { ja: '残高・入出金明細', en: 'Balances and transactions' },
  time_deposits: { ja: '定期預金の明細', en: 'Time deposits' },
  grant_management_query: { ja: '連携の照会', en: 'Grant query' },
  grant_management_revoke: { ja: '連携の取消', en: 'Grant revocation' },
};

const ENDING_REASONS: Record<GrantEnding['reason'], Label> = {
  revoked_by_partner: { ja: '提携先が取消', en: 'Revoked by the partner' },
  revoked_by_customer: { ja: 'お客さまが取消', en: 'Revoked by the customer' },
  revoked_by_bank: { ja: '当組合（職員）が終了', en: 'Ended by the bank (staff)' },
  replaced: { ja: '新しい連携に置き換え', en: 'Replaced by a new linkage' },
  customer_ineligible: { ja: '利用資格の喪失', en: 'Customer no longer eligible' },
  partner_removed: { ja: '提携先の削除', en: 'Partner removed' },
  revoked_by_protocol: { ja: '不正な利用の検知（コードの再使用など）', en: 'Protocol safeguard (code reuse, ...)' },
  expired: { ja: '有効期限切れ', en: 'Expired' },
  no_accounts_left: { ja: '連携する口座がなくなった', en: 'No linked account left' },
};

const KINDS: Labels = {
  'admin.audit.exported': { ja: '監査ログの書き出し', en: 'Audit trail exported' },
  'admin.customer.linkages_ended': { ja: '顧客の全連携を終了', en: "Customer's linkages ended" },
  'admin.customer.unlocked': { ja: 'ロック解除', en: 'Lock lifted' },
  'admin.incident.exported': { ja: 'インシデント用の書き出し', en: 'Incident export' },
  'admin.linkage.ended': { ja: '職員が連携を終了', en: 'Linkage ended by staff' },
  'admin.login': { ja: '職員ログイン', en: 'Staff login' },
  'admin.logout': { ja: '職員ログアウト', en: 'Staff logout' },
  'admin.maintenance_window.added': { ja: '臨時の停止時間帯を追加', en: 'Maintenance window added' },
  'admin.maintenance_window.removed': { ja: '臨時の停止時間帯を取消', en: 'Maintenance window removed' },
  'admin.partner.added': { ja: '提携先を追加', en: 'Partner added' },
  'admin.partner.edited': { ja: '提携先を変更', en: 'Partner edited' },
  'admin.partner.linkages_ended': { ja: '提携先の全連携を終了', en: "Partner's linkages ended" },
  'admin.partner.reinstated': { ja: '提携先を再開', en: 'Partner reinstated' },
  'admin.partner.removed': { ja: '提携先を削除', en: 'Partner removed' },
  'admin.partner.suspended': { ja: '提携先を停止', en: 'Partner suspended' },
  'admin.restriction.lifted': { ja: '制限を解除', en: 'Restriction lifted' },
  'admin.restriction.set': { ja: '制限を設定', en: 'Restriction set' },
  'admin.search': { ja: '職員の検索', en: 'Staff search' },
  'admin.staff.added': { ja: '職員を追加', en: 'Staff added' },
  'admin.staff.disabled': { ja: '職員を無効化', en: 'Staff disabled' },
  'admin.totp_reentry': { ja: 'ワンタイムパスワード再入力', en: 'One-time code re-entered' },
  'audit.buffer_full': { ja: '監査ログの一時保存が満杯', en: 'Audit buffer full' },
  'audit.buffer_resumed': { ja: '監査ログの一時保存を再開', en: 'Audit buffer resumed' },
  'audit.exported': { ja: '監査ログの書き出し', en: 'Audit trail exported' },
  'code.consumed': { ja: '認可コードの使用', en: 'Authorization code used' },
  'code.issued': { ja: '認可コードの発行', en: 'Authorization code issued' },
  'consent.declined': { ja: '同意しなかった', en: 'Consent declined' },
  'consent.granted': { ja: '同意', en: 'Consent given' },
  'core_event.customer.eligibility_lost': { ja: '勘定系: 利用資格の喪失', en: 'Core: eligibility lost' },
  'core_event.account.status_changed': { ja: '勘定系: 口座状態の変更', en: 'Core: account status changed' },
  'data.access': { ja: 'データAPIの利用', en: 'Data API call' },
  'eligibility.denied': { ja: '利用資格なし', en: 'Not eligible' },
  'grant.account_removed': { ja: '連携口座の解除', en: 'Account removed from linkage' },
  'grant.ended': { ja: '連携の終了', en: 'Linkage ended' },
  'identity_check.failure': { ja: '本人確認の失敗', en: 'Identity check failed' },
  'identity_check.locked': { ja: '本人確認のロック', en: 'Identity check locked' },
  'identity_check.success': { ja: '本人確認の成功', en: 'Identity check passed' },
  'identity_check.throttled': { ja: '本人確認の受付制限', en: 'Identity check throttled' },
  'linkage.created': { ja: '連携の開始', en: 'Linkage made' },
  'linkage.ended': { ja: '連携の終了', en: 'Linkage ended' },
  'notice.failed': { ja: 'お客さまへの通知の失敗', en: 'Customer notice failed' },
  'notice.retried': { ja: 'お客さまへの通知の再送', en: 'Customer notice retried' },
  'notice.sent': { ja: 'お客さまへの通知', en: 'Customer notice sent' },
  'partner_event.abandoned': { ja: '提携先への通知を断念', en: 'Partner event given up' },
  'partner_event.delivered': { ja: '提携先への通知', en: 'Partner event delivered' },
  'partner_event.dropped': { ja: '提携先への通知を破棄', en: 'Partner event dropped' },
  'token.denied': { ja: 'トークン発行の拒否', en: 'Token refused' },
  'token.issued': { ja: 'トークンの発行', en: 'Token issued' },
  'token.refreshed': { ja: 'トークンの更新', en: 'Token refreshed' },
  'token.revoked': { ja: 'トークンの取消', en: 'Token revoked' },
};

/** The names in an event's details that staff meet most; any other name is shown as it is. */
const DETAIL_NAMES: Labels = {
  grantId: { ja: '連携ID', en: 'Linkage id' },
  reason: { ja: '理由', en: 'Reason' },
  note: { ja: 'メモ', en: 'Note' },
  scopes: { ja: '範囲', en: 'Scopes' },
  scope: { ja: '範囲', en: 'Scope' },
  termsVersion: { ja: '規約の版', en: 'Terms version' },
  via: { ja: '経路', en: 'Via' },
  ip: { ja: 'IPアドレス', en: 'IP address' },
  step: { ja: '段階', en: 'Step' },
  role: { ja: '役割', en: 'Role' },
  format: { ja: '形式', en: 'Format' },
  filter: { ja: '条件', en: 'Filter' },
  before: { ja: '変更前', en: 'Before' },
  after: { ja: '変更後', en: 'After' },
  by: { ja: '検索の種類', en: 'Searched by' },
  q: { ja: '検索語', en: 'Searched for' },
  from: { ja: '開始', en: 'From' },
  to: { ja: '終了', en: 'To' },
  surface: { ja: '機能', en: 'Surface' },
  surfaces: { ja: '機能', en: 'Surfaces' },
  path: { ja: '画面', en: 'Page' },
  username: { ja: 'ユーザー名', en: 'Username' },
  endedLinkages: { ja: '終了した連携', en: 'Linkages ended' },
  consecutiveFailures: { ja: '連続失敗回数', en: 'Failures in a row' },
  error: { ja: 'エラー', en: 'Error' },
  status: { ja: '状態', en: 'Status' },
  route: { ja: 'API', en: 'Route' },
  method: { ja: 'メソッド', en: 'Method' },
  notice: { ja: '通知の内容', en: 'Notice' },
  noticeId: { ja: '通知ID', en: 'Notice id' },
  channel: { ja: '通知の経路', en: 'Channel' },
  consentId: { ja: '同意ID', en: 'Consent id' },
  expiresAt: { ja: '有効期限', en: 'Expires' },
  jtiSha256: { ja: 'トークンの識別子（ハッシュ）', en: 'Token id (hash)' },
  type: { ja: '種類', en: 'Type' },
  grantType: { ja: '発行の方法', en: 'Grant type' },
  accountIds: { ja: '口座', en: 'Accounts' },
};

/** Codes that stand as values in an event's details: what was issued, and how. */
const DETAIL_VALUES: Labels = {
  authorization_code: { ja: '認可コード', en: 'Authorization code' },
  access_token: { ja: 'アクセストークン', en: 'Access token' },
  refresh_token: { ja: '更新トークン', en: 'Refresh token' },
  client_credentials: { ja: 'クライアント認証のみ', en: 'Client credentials' },
};

// A time as the trail writes one (ISO 8601 in UTC): shown in Japan time like every other.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** What a code without a label reads as, with the code beside it. */
const GENERIC = {
  scope: { ja: 'その他の範囲', en: 'Other scope' },
  reason: { ja: 'その他の終了', en: 'Other ending' },
  kind: { ja: 'その他の記録', en: 'Other event' },
} satisfies Record<string, Label>;

const has = (table: Labels, code: string): boolean => Object.hasOwn(table, code);

const lookup = (table: Labels, generic: Label, locale: Locale) => (code: string) =>
  has(table, code) ? table[code][locale] : locale === 'ja' ? `${generic.ja}（${code}）` : `${generic.en} (${code})`;

const list = (locale: Locale, items: string[]) => items.join(locale === 'ja' ? '、' : ', ');

/** The label functions the console's pages and confirmations use. */
export const labelsFor = (locale: Locale) => {
  const scopeLabel = lookup(SCOPES, GENERIC.scope, locale);
  const reasonLabel = lookup(ENDING_REASONS, GENERIC.reason, locale);
  const kindLabel = lookup(KINDS, GENERIC.kind, locale);
  /** A value in an event's details: an ending reason or scopes read as words, anything else as it is. */
  const detailValue = (name: string, value: unknown): string => {
    if (name === 'reason' && typeof value === 'string' && has(ENDING_REASONS, value)) return reasonLabel(value);
    if ((name === 'scopes' || name === 'scope') && typeof value === 'string')
      return list(locale, value.split(' ').filter(Boolean).map(scopeLabel));
    if (name === 'scopes' && Array.isArray(value)) return list(locale, value.map(String).map(scopeLabel));
    if ((name === 'kind' || name === 'notice') && typeof value === 'string' && has(KINDS, value))
      return kindLabel(value);
    if ((name === 'type' || name === 'grantType') && typeof value === 'string' && has(DETAIL_VALUES, value))
      return DETAIL_VALUES[value][locale];
    if (typeof value === 'string' && ISO_TIME.test(value))
      return `${formatJst(Date.parse(value))}（${locale === 'ja' ? '日本時間' : 'JST'}）`;
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  return {
    scopeLabel,
    reasonLabel,
    kindLabel,
    /** Scopes as one line of words ("口座情報、残高・入出金明細"). */
    scopesLabel: (scopes: readonly string[]) => list(locale, scopes.map(scopeLabel)),
    /** An audit event's details as short "name: value" lines for a table cell, names and codes as words. */
    detailLines: (details: Record<string, unknown> | undefined): string[] =>
      Object.entries(details ?? {}).map(
        ([name, value]) =>
          `${has(DETAIL_NAMES, name) ? DETAIL_NAMES[name][locale] : name}: ${detailValue(name, value)}`,
      ),
  };
};

export type ConsoleLabels = ReturnType<typeof labelsFor>;

/** The codes that have a label, for the tests that every known code has one, and the audit view's kind choice. */
export const LABELLED_SCOPES: readonly string[] = Object.keys(SCOPES);
export const LABELLED_REASONS: readonly string[] = Object.keys(ENDING_REASONS);
export const LABELLED_KINDS: readonly string[] = Object.keys(KINDS);
