import { reachConsent } from '../support/authorization-steps.ts';
import { customers } from '../support/demo.ts';
import { partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { jstDateText } from '../../src/shared/jst.ts';

/**
 * What the consent page says about the accounts it does not offer, and how it writes dates: an
 * account of a type the partner does not receive is its own case, never "frozen or closed".
 */
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

// デモ会計クラウド asks for less than the default scope: no time_deposits, no openid.
const KAIKEI = { scope: 'offline_access accounts deposits grant_management_query' };

const notes = (html: string) => [...html.matchAll(/<p class="note not-linkable">([^<]*)<\/p>/g)].map((m) => m[1]);

describe('the consent page: accounts not offered, and dates', () => {
  test('with デモ会計クラウド, customer A (all six types, all open) is told the two types the partner does not receive, not 凍結・解約', async () => {
    const partner = await partnerFor(server, 'demo-kaikei');
    const { consentPage, offered } = await reachConsent(server, partner, customers.allTypes, KAIKEI);
    expect(offered).toHaveLength(4);
    expect(notes(consentPage.html)).toEqual([
      'カードローン・定期預金の口座2件は、デモ会計クラウドとの連携の対象外のため表示していません。',
    ]);
    expect(consentPage.html).not.toMatch(/凍結|解約/);
  });

  test('in English the same note names the types and the partner', async () => {
    const partner = await partnerFor(server, 'demo-kaikei');
    const { consentPage } = await reachConsent(server, partner, customers.allTypes, { ...KAIKEI, ui_locales: 'en' });
    expect(notes(consentPage.html)).toEqual([
      'Not shown: 2 account(s) of a type Demo Accounting Cloud does not receive (Card loan, Time deposit).',
    ]);
  });

  test('a frozen account and an account of a type the partner does not receive are two notes, each with its own reason', async () => {
    const partner = await partnerFor(server, 'demo-kaikei');
    const { consentPage, offered } = await reachConsent(server, partner, customers.frozenAccount, KAIKEI);
    expect(offered).toHaveLength(1);
    expect(notes(consentPage.html)).toEqual([
      '定期預金の口座1件は、デモ会計クラウドとの連携の対象外のため表示していません。',
      'お取引を停止している口座または解約済みの口座1件は、連携できないため表示していません。',
    ]);
  });

  test('a partner that receives every type: only the frozen account is mentioned', async () => {
    const partner = await partnerFor(server, 'demo-kakeibo');
    const { consentPage } = await reachConsent(server, partner, customers.frozenAccount);
    expect(notes(consentPage.html)).toEqual([
      'お取引を停止している口座または解約済みの口座1件は、連携できないため表示していません。',
    ]);
  });

  test.each(['ja', 'en'] as const)(
    'the expiry (%s) is written as 2027年3月2日（火） / Tue 2 Mar 2027, never as an ISO date',
    async (locale) => {
      // デモ会計クラウド's linkages last 30 days from the identity check, which the test clock dates.
      const partner = await partnerFor(server, 'demo-kaikei');
      const { consentPage } = await reachConsent(server, partner, customers.allTypes, {
        ...KAIKEI,
        ui_locales: locale,
      });
      const expiry = /<h2 id="h-expiry">[^<]*<\/h2>\s*<p>([^<]*)<\/p>/.exec(consentPage.html)?.[1];
      const expected = jstDateText(server.clock.now() + 30 * 86_400_000, locale, { year: true });
      expect(expected).toMatch(
        locale === 'ja' ? /^\d{4}年\d{1,2}月\d{1,2}日（[日月火水木金土]）$/ : /^\w{3} \d{1,2} \w{3} \d{4}$/,
      );
      expect(expiry).toContain(locale === 'ja' ? `${expected}まで。` : `Until ${expected}.`);
      expect(consentPage.html).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    },
  );
});
