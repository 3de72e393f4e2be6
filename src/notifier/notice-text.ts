import { jstDateTimeText } from '../shared/jst.ts';
import { translator, type Locale } from '../i18n/index.ts';
import type { CustomerNotice } from './port.ts';

export interface NoticeText {
  subject: string;
  lines: string[];
}

/** Who the customer calls when a notice is not theirs (settings.notices.contactDesk). */
export interface ContactDesk {
  nameJa: string;
  nameEn: string;
  phone: string;
  hoursJa: string;
  hoursEn: string;
}

type Reason = NonNullable<CustomerNotice['endedReason']>;

const ENDED_BY_JA: Partial<Record<Reason, string>> = {
  revoked_by_customer: 'お客さまのお手続きにより',
  revoked_by_partner: '連携先でのお手続きにより',
  revoked_by_bank: '当組合の判断により',
  revoked_by_protocol: '連携先でのお手続きにより',
  customer_ineligible: 'ご利用の条件を満たさなくなったため',
  partner_removed: '連携先が当組合の指定から外れたため',
  no_accounts_left: '連携していた口座がすべてご利用いただけなくなったため',
  expired: '有効期限が過ぎたため',
};

const ENDED_BY_EN: Partial<Record<Reason, string>> = {
  revoked_by_customer: 'at your request',
  revoked_by_partner: 'at the request of the service',
  revoked_by_bank: 'by the credit union',
  revoked_by_protocol: 'at the request of the service',
  customer_ineligible: 'because the conditions of use are no longer met',
  partner_removed: 'because the service is no longer approved by the credit union',
  no_accounts_left: 'because none of the linked accounts can be used any more',
  expired: 'because it expired',
};

/**
 * The text of a notice as the customer reads it (e-mail, the bank's messaging system, the demo
 * outbox): what happened, with which partner, which information of which accounts (masked),
 * when, and whom to call if it was not them. Like Japanese banks' own notices against phishing it
 * carries no link at all: the customer goes to the bank's page by their own way.
 */
export const noticeText = (notice: CustomerNotice, desk: ContactDesk, locale: Locale = 'ja'): NoticeText =>
  locale === 'en' ? englishText(notice, desk) : japaneseText(notice, desk);

const japaneseText = (notice: CustomerNotice, desk: ContactDesk): NoticeText => {
  const t = translator('ja');
  const bank = t('bank.name');
  const partner = notice.partner.name.ja;
  const categories = notice.categories.map((c) => `・${t(`consent.scope.${c}`)}`);
  const accounts = notice.accounts.map((a) => `・${t(`accountType.${a.type}`)} ${a.maskedNumber}`);
  const when = jstDateTimeText(notice.at, 'ja');
  const call = `当組合の${desk.nameJa}（電話 ${desk.phone}、${desk.hoursJa}）またはお取引店までお電話ください。`;
  const footer = [
    'このお知らせにはリンクを記載していません。当組合がメールやSMSで暗証番号・ワンタイムパスワードをおたずねすることはありません。',
    bank,
  ];
  if (notice.kind === 'linkage.ended') {
    return {
      subject: `【${bank}】${partner}との連携を解除しました`,
      lines: [
        `${when}、${ENDED_BY_JA[notice.endedReason ?? 'revoked_by_customer'] ?? ''}${partner}との口座の連携（API連携）を解除しました。` +
          `${partner}は、当組合から次の口座の情報を取得できなくなりました。`,
        '解除した口座：',
        ...accounts,
        `お心当たりのない場合は、${call}`,
        ...footer,
      ],
    };
  }
  return {
    subject: `【${bank}】${partner}と口座を連携しました`,
    lines: [
      `${when}、${partner}とお客さまの口座の連携（API連携）が行われました。${partner}は、次の情報を当組合から取得できます。`,
      '連携した情報：',
      ...categories,
      '連携した口座：',
      ...accounts,
      ...(notice.expiresAt === undefined ? [] : [`連携の有効期限：${jstDateTimeText(notice.expiresAt, 'ja')}まで`]),
      `連携をやめるには、${partner}のサービスからお手続きいただくか、当組合のホームページから「連携の管理」へお進みいただき、解除してください。`,
      `お心当たりのない場合は、すぐに${call}`,
      ...footer,
    ],
  };
};

const englishText = (notice: CustomerNotice, desk: ContactDesk): NoticeText => {
  const t = translator('en');
  const bank = t('bank.name');
  const partner = notice.partner.name.en;
  const categories = notice.categories.map((c) => `- ${t(`consent.scope.${c}`)}`);
  const accounts = notice.accounts.map((a) => `- ${t(`accountType.${a.type}`)} ${a.maskedNumber}`);
  const when = jstDateTimeText(notice.at, 'en');
  const call = `please call our ${desk.nameEn} (${desk.phone}, ${desk.hoursEn}) or your branch.`;
  const footer = [
    'This notice contains no links. We never ask for your PIN or one-time password by e-mail or SMS.',
    bank,
  ];
  if (notice.kind === 'linkage.ended') {
    return {
      subject: `[${bank}] Your accounts are no longer linked to ${partner}`,
      lines: [
        `On ${when} (JST), the link (API連携) between your accounts and ${partner} was ended ` +
          `${ENDED_BY_EN[notice.endedReason ?? 'revoked_by_customer'] ?? ''}. ` +
          `${partner} can no longer read the information of these accounts:`,
        ...accounts,
        `If you did not expect this, ${call}`,
        ...footer,
      ],
    };
  }
  return {
    subject: `[${bank}] Your accounts were linked to ${partner}`,
    lines: [
      `On ${when} (JST), your accounts were linked (API連携) to ${partner}. ${partner} can read from us:`,
      ...categories,
      'Of these accounts:',
      ...accounts,
      ...(notice.expiresAt === undefined
        ? []
        : [`The link ends by itself on ${jstDateTimeText(notice.expiresAt, 'en')}.`]),
      `To end it, use ${partner}'s service, or go to "Linked services" from our home page.`,
      `If this was not you, ${call}`,
      ...footer,
    ],
  };
};
