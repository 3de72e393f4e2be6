import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountType, CoreBanking } from '../../src/core-banking/port.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface DemoCustomer {
  branch: string;
  accountType: string;
  accountNumber: string;
  pin: string;
  totpSecret: string;
}

/** The demo customers of docs/demo-customers.md. */
export const customers = {
  allTypes: {
    branch: '001',
    accountType: 'ordinary',
    accountNumber: '1012345',
    pin: '2580',
    totpSecret: '42HZVUXMALJN4GGHUMPVZCP74KKSPLYO',
  },
  noCashCard: {
    branch: '002',
    accountType: 'ordinary',
    accountNumber: '2104871',
    pin: '1357',
    totpSecret: 'QJERNP5YIHQ3VDX5UNCYNXORTUB6N66J',
  },
  frozenAccount: {
    branch: '003',
    accountType: 'ordinary',
    accountNumber: '3207715',
    pin: '8642',
    totpSecret: '4XPTE7CXE4PTB3IG4OACAIQ2LFAV5U2P',
  },
  lockable: {
    branch: '001',
    accountType: 'ordinary',
    accountNumber: '1098765',
    pin: '4826',
    totpSecret: 'R2ZQMWTLMF7VNV6EA4LSHFN6X2ZJHK3M',
  },
  restricted: {
    branch: '004',
    accountType: 'ordinary',
    accountNumber: '4301122',
    pin: '9753',
    totpSecret: '4SYI5444XEYYNJB4ZZ7ZLLB5WWQO66HL',
  },
  twoBranches: {
    branch: '005',
    accountType: 'ordinary',
    accountNumber: '5500231',
    pin: '3690',
    totpSecret: 'XLCKB67EGHHMWWS7F45GMEWATPR65VUB',
  },
} satisfies Record<string, DemoCustomer>;

/** A demo client's private signing JWK (committed under config/demo/client-private-keys). */
export const demoPrivateJwk = (clientId: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, 'config/demo/client-private-keys', `${clientId}.json`), 'utf8')).keys[0];

/** The account a demo customer logs in with, as the core-banking port names it. */
export const accountRefOf = (who: DemoCustomer) => ({
  branchCode: who.branch,
  accountType: who.accountType as AccountType,
  accountNumber: who.accountNumber,
});

/** A demo customer's customer number, from the server's core-banking connector. */
export const customerIdOf = async (
  server: { app: { coreBanking: Pick<CoreBanking, 'customerIdOf'> } },
  who: DemoCustomer,
): Promise<string> => {
  const id = await server.app.coreBanking.customerIdOf(accountRefOf(who));
  if (!id) throw new Error(`no customer number for the demo account ${who.branch}-${who.accountNumber}`);
  return id;
};
