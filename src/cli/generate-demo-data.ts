// node --experimental-strip-types src/cli/generate-demo-data.ts [--out <file>] [--check]
// Writes the demo core-banking data (config/demo/core-banking.json) from the spec below. The output
// is deterministic (PIN salts and account ids are derived from the accounts), so running it again
// gives the same file; --check only compares. Plaintext PINs live here and in docs/demo-customers.md,
// never in the data file. Keep the three in step.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import argon2 from 'argon2';
import type { AccountType } from '../core-banking/port.ts';
import type { DemoAccountData, DemoCoreBankingData, DemoCustomerData } from '../core-banking/demo/index.ts';
import { parseDemoCoreBankingData } from '../core-banking/demo/index.ts';
import { buildDirectory } from '../core-banking/demo/directory.ts';

// OWASP's minimum for argon2id. A 4-digit PIN is protected by the lockout, not by hash cost.
const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

type AccountSpec = Omit<DemoAccountData, 'accountId' | 'pinHash'> & { pin?: string };
type CustomerSpec = Omit<DemoCustomerData, 'accounts'> & { accounts: AccountSpec[] };

const HISTORY_START = '2024-01-01';

const BRANCHES: Record<string, string> = {
  '001': '本店',
  '002': '駅前支店',
  '003': '鳥取支店',
  '004': '春採支店',
  '005': '星が浦支店',
  '006': '大楽毛支店',
};

const account = (
  branchCode: string,
  accountType: AccountType,
  accountNumber: string,
  rest: Partial<AccountSpec> = {},
): AccountSpec => ({
  branchCode,
  accountType,
  accountNumber,
  status: 'active',
  cashCardIssued: false,
  ...rest,
});

const CUSTOMERS: CustomerSpec[] = [
  {
    // A: eligible, every account type of terms 2.2
    customerId: '0000100001',
    name: '佐藤 健一',
    nameKana: 'サトウ ケンイチ',
    restricted: false,
    totpSecret: '42HZVUXMALJN4GGHUMPVZCP74KKSPLYO',
    accounts: [
      account('001', 'ordinary', '1012345', {
        cashCardIssued: true,
        pin: '2580',
        openingBalance: 680_000,
        income: { kind: 'salary', amount: 312_000, payer: 'ｶ)ｸｼﾛｽｲｻﾝ' },
      }),
      account('001', 'savings', '5012345', { openingBalance: 1_250_000 }),
      account('001', 'card_deposit', '3012345', { cashCardIssued: true, openingBalance: 85_000 }),
      account('001', 'card_loan', '8012345', { openingBalance: 120_000, creditLimit: 500_000 }),
      account('001', 'tax_reserve', '4012345', { openingBalance: 300_000 }),
      account('001', 'time_deposit', '2012345', {
        timeDeposits: [
          {
            depositNumber: '001',
            depositDate: '2022-06-15',
            termMonths: 36,
            principal: 3_000_000,
            interestRate: '0.010',
            interestType: 'simple',
            renewalType: 'principal_and_interest',
          },
          {
            depositNumber: '002',
            depositDate: '2025-10-01',
            termMonths: 12,
            principal: 1_000_000,
            interestRate: '0.275',
            interestType: 'simple',
            renewalType: 'principal_only',
          },
          {
            depositNumber: '003',
            depositDate: '2024-12-20',
            termMonths: 60,
            principal: 2_000_000,
            interestRate: '0.400',
            interestType: 'compound',
            renewalType: 'none',
          },
          {
            depositNumber: '004',
            depositDate: '2025-03-10',
            termMonths: 6,
            principal: 500_000,
            interestRate: '0.150',
            interestType: 'simple',
            renewalType: 'none',
          },
        ],
      }),
    ],
  },
  {
    // B: ineligible, an ordinary account without a cash card
    customerId: '0000100002',
    name: '鈴木 花子',
    nameKana: 'スズキ ハナコ',
    restricted: false,
    totpSecret: 'QJERNP5YIHQ3VDX5UNCYNXORTUB6N66J',
    accounts: [
      account('002', 'ordinary', '2104871', {
        pin: '1357',
        openingBalance: 420_000,
        income: { kind: 'pension', amount: 276_000, payer: 'ﾆﾎﾝﾈﾝｷﾝｷｺｳ' },
      }),
    ],
  },
  {
    // C: eligible, with a frozen account among active ones
    customerId: '0000100003',
    name: '高橋 誠',
    nameKana: 'タカハシ マコト',
    restricted: false,
    totpSecret: '4XPTE7CXE4PTB3IG4OACAIQ2LFAV5U2P',
    accounts: [
      account('003', 'ordinary', '3207715', {
        cashCardIssued: true,
        pin: '8642',
        openingBalance: 410_000,
        income: { kind: 'salary', amount: 268_000, payer: 'ｶ)ﾋｶﾞｼﾎﾂｶｲﾄﾞｳｳﾝﾕ' },
      }),
      account('003', 'savings', '5207716', { status: 'frozen', cashCardIssued: true, openingBalance: 1_980_000 }),
      account('003', 'time_deposit', '2207717', {
        timeDeposits: [
          {
            depositNumber: '001',
            depositDate: '2025-05-12',
            termMonths: 12,
            principal: 1_000_000,
            interestRate: '0.250',
            interestType: 'simple',
            renewalType: 'principal_and_interest',
          },
        ],
      }),
    ],
  },
  {
    // D: eligible, one plain ordinary account; the PIN-lockout tests lock it
    customerId: '0000100004',
    name: '田中 美咲',
    nameKana: 'タナカ ミサキ',
    restricted: false,
    totpSecret: 'R2ZQMWTLMF7VNV6EA4LSHFN6X2ZJHK3M',
    accounts: [
      account('001', 'ordinary', '1098765', {
        cashCardIssued: true,
        pin: '4826',
        openingBalance: 260_000,
        income: { kind: 'salary', amount: 224_000, payer: 'ｶ)ﾐﾅﾄﾃﾞﾝｷｺｳｼﾞ' },
      }),
    ],
  },
  {
    // E: restricted at customer level, although the account itself would qualify
    customerId: '0000100005',
    name: '伊藤 修',
    nameKana: 'イトウ オサム',
    restricted: true,
    totpSecret: '4SYI5444XEYYNJB4ZZ7ZLLB5WWQO66HL',
    accounts: [
      account('004', 'ordinary', '4301122', {
        cashCardIssued: true,
        pin: '9753',
        openingBalance: 530_000,
        income: { kind: 'salary', amount: 295_000, payer: 'ｶ)ﾊﾙﾄﾘｹﾝｾﾂ' },
      }),
    ],
  },
  {
    // F: eligible, accounts at two branches; eligible through either carded account
    customerId: '0000100006',
    name: '渡辺 由美',
    nameKana: 'ワタナベ ユミ',
    restricted: false,
    totpSecret: 'XLCKB67EGHHMWWS7F45GMEWATPR65VUB',
    accounts: [
      account('005', 'ordinary', '5500231', {
        cashCardIssued: true,
        pin: '3690',
        openingBalance: 190_000,
        income: { kind: 'salary', amount: 198_000, payer: 'ｲ)ﾎｼｶﾞｳﾗｸﾘﾆﾂｸ' },
      }),
      account('001', 'savings', '5033210', { cashCardIssued: true, openingBalance: 640_000 }),
    ],
  },
];

const digest = (label: string, spec: AccountSpec): Buffer =>
  createHash('sha256')
    .update(`kushiro-demo|${label}|${spec.branchCode}|${spec.accountType}|${spec.accountNumber}`)
    .digest();

const build = async (): Promise<DemoCoreBankingData> => ({
  historyStart: HISTORY_START,
  branches: BRANCHES,
  customers: await Promise.all(
    CUSTOMERS.map(async ({ accounts, ...customer }) => ({
      ...customer,
      accounts: await Promise.all(
        accounts.map(async ({ pin, ...spec }) => ({
          accountId: `acc_${digest('account-id', spec).toString('hex').slice(0, 20)}`,
          ...spec,
          ...(pin === undefined
            ? {}
            : { pinHash: await argon2.hash(pin, { ...ARGON2, salt: digest('pin-salt', spec).subarray(0, 16) }) }),
        })),
      ),
    })),
  ),
});

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'config/demo/core-banking.json' },
    check: { type: 'boolean', default: false },
  },
});
const out = values.out!;
const data = parseDemoCoreBankingData(await build(), 'the generated demo data');
buildDirectory(data); // throws on broken references
const text = `${JSON.stringify(data, null, 2)}\n`;
if (values.check) {
  const same = readFileSync(out, 'utf8') === text;
  process.stdout.write(same ? `${out} is up to date\n` : `${out} differs from the spec; run without --check\n`);
  process.exit(same ? 0 : 1);
}
writeFileSync(out, text);
process.stdout.write(`wrote ${out}\n`);
