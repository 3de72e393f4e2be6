import { jstDateTimeText } from '../shared/jst.ts';
import { translator, type MessageKey } from '../i18n/index.ts';
import type { CustomerNotice } from './port.ts';

export interface NoticeText {
  subject: string;
  lines: string[];
}

const ja = translator('ja');

const ENDED_BY: Partial<Record<NonNullable<CustomerNotice['endedReason']>, string>> = {
  revoked_by_customer: 'お客さまのお手続きにより',
  revoked_by_partner: '連携先でのお手続きにより',
  revoked_by_bank: '当組合の判断により',
  revoked_by_protocol: '連携先でのお手続きにより',
  customer_ineligible: 'ご利用の条件を満たさなくなったため',
  partner_removed: '連携先が当組合の指定から外れたため',
  no_accounts_left: '連携していた口座がすべてご利用いただけなくなったため',
  expired: '有効期限が過ぎたため',
};

/**
 * The Japanese text of a notice, as the customer reads it (in the demo outbox, or in the bank's
 * e-mail). It says which partner gets which information of which accounts, and how to end it:
 * through the partner (terms 5.1) or on the bank's own page.
 */
export const noticeText = (notice: CustomerNotice, myPageUrl: string): NoticeText => {
  const partner = notice.partner.name.ja;
  const categories = notice.categories.map((c) => `・${ja(`consent.scope.${c}` as MessageKey)}`);
  const accounts = notice.accounts.map((a) => `・${ja(`accountType.${a.type}` as MessageKey)} ${a.maskedNumber}`);
  const when = jstDateTimeText(notice.at, 'ja');
  if (notice.kind === 'linkage.ended') {
    return {
      subject: `【${ja('bank.name')}】${partner} との連携を解除しました`,
      lines: [
        `${when}、${ENDED_BY[notice.endedReason ?? 'revoked_by_customer'] ?? ''}${partner} との口座の連携を解除しました。${partner} ` +
          `は、当組合から次の口座の情報を取得できなくなりました。`,
        '解除した口座：',
        ...accounts,
        'お心当たりのない場合は、お取引店までご連絡ください。',
      ],
    };
  }
  return {
    subject: `【${ja('bank.name')}】${partner} と口座を連携しました`,
    lines: [
      `${when}、${partner} と口座の連携（API連携）が行われました。${partner} は、次の情報を当組合から取得できます。`,
      '連携した情報：',
      ...categories,
      '連携した口座：',
      ...accounts,
      ...(notice.expiresAt === undefined ? [] : [`連携の有効期限：${jstDateTimeText(notice.expiresAt, 'ja')} まで`]),
      `連携をやめるには、${partner} のサービスからお手続きいただくか、当組合の「連携の管理」ページ（${myPageUrl}）で解除してください。`,
      'お心当たりのない場合は、すぐに連携を解除し、お取引店までご連絡ください。',
    ],
  };
};
