import type { Locale } from '../../i18n/index.ts';

/**
 * Staff read words, not codes: scopes, how a linkage ended, audit event kinds. A code without a
 * label (a kind added later) is shown as it is, so nothing is hidden.
 */
type Labels = Record<string, { ja: string; en: string }>;

const SCOPES: Labels = {
  openid: { ja: '本人の識別（OpenID）', en: 'Identity (OpenID)' },
  offline_access: { ja: '継続した利用（更新トークン）', en: 'Continued access (refresh token)' },
  accounts: { ja: '口座情報', en: 'Account information' },
  deposits: { ja: '残高・入出金明細', en: 'Balances and transactions' },
  time_deposits: { ja: '定期預金の明細', en: 'Time deposits' },
  grant_management_query: { ja: '連携の照会', en: 'Grant query' },
  grant_management_revoke: { ja: '連携の取消', en: 'Grant revocation' },
};

const ENDING_REASONS: Labels = {
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

const lookup = (table: Labels, locale: Locale) => (code: string) => table[code]?.[locale] ?? code;

/** The label functions the console's templates use. */
export const labelsFor = (locale: Locale) => ({
  scopeLabel: lookup(SCOPES, locale),
  reasonLabel: lookup(ENDING_REASONS, locale),
  kindLabel: lookup(KINDS, locale),
});

/** Every labelled kind, for the audit view's kind choice. */
export const LABELLED_KINDS: readonly string[] = Object.keys(KINDS);
