import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import argon2 from 'argon2';
import {
  createDemoCoreBanking,
  demoCoreBankingSchema,
  parseDemoCoreBankingData,
  type DemoCoreBankingData,
} from '../../src/core-banking/demo/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { DATA_FILE, DOCS_FILE, demoData } from './demo-fixture.ts';

const raw = (): DemoCoreBankingData => JSON.parse(readFileSync(DATA_FILE, 'utf8'));

describe('config/demo/core-banking.json', () => {
  it('validates against the exported schema under ajv strict mode, without warnings', () => {
    const warnings: unknown[] = [];
    const ajv = new Ajv({
      allErrors: true,
      strict: true,
      logger: { log: () => {}, warn: (...w: unknown[]) => warnings.push(w), error: () => {} },
    });
    const validate = ajv.compile(demoCoreBankingSchema);
    expect(validate(raw())).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('uses 3-digit branch codes, 7-digit account numbers and katakana names', () => {
    const data = demoData();
    expect(data.branches).toMatchObject({ '001': '本店', '002': '駅前支店' });
    for (const customer of data.customers) {
      expect(customer.nameKana).toMatch(/^[ァ-ヶー ]+$/);
      expect(customer.totpSecret).toMatch(/^[A-Z2-7]{32}$/); // 20 bytes
      for (const account of customer.accounts) {
        expect(account.branchCode).toMatch(/^\d{3}$/);
        expect(account.accountNumber).toMatch(/^\d{7}$/);
      }
    }
  });

  it.each([
    [
      'a card loan without credit limit',
      (d: DemoCoreBankingData) => {
        delete d.customers[0].accounts[3].creditLimit;
      },
    ],
    [
      'a credit limit on an ordinary account',
      (d: DemoCoreBankingData) => {
        d.customers[0].accounts[0].creditLimit = 1;
      },
    ],
    [
      'a liquid account without opening balance',
      (d: DemoCoreBankingData) => {
        delete d.customers[0].accounts[1].openingBalance;
      },
    ],
    [
      'time deposits on a savings account',
      (d: DemoCoreBankingData) => {
        d.customers[0].accounts[1].timeDeposits = [];
      },
    ],
    [
      'a plaintext PIN',
      (d: DemoCoreBankingData) => {
        d.customers[0].accounts[0].pinHash = '2580';
      },
    ],
    [
      'a 6-digit account number',
      (d: DemoCoreBankingData) => {
        d.customers[0].accounts[0].accountNumber = '123456';
      },
    ],
    [
      'an unknown field',
      (d: DemoCoreBankingData) => {
        Object.assign(d.customers[0], { pin: '2580' });
      },
    ],
  ])('rejects %s', (_label, mutate) => {
    const data = raw();
    mutate(data);
    expect(() => parseDemoCoreBankingData(data, 'test')).toThrow('is not valid demo core-banking data');
  });

  it('is refused by createDemoCoreBanking when references are broken', () => {
    const data = raw();
    data.customers[1].accounts[0].branchCode = '999';
    data.customers[2].accounts[0].accountId = data.customers[0].accounts[0].accountId;
    const clock = new ManualClock(0);
    expect(() => createDemoCoreBanking({ data, store: new MemoryStore(clock), clock })).toThrow(
      /unknown branch 999[\s\S]*used twice/,
    );
  });
});

describe('docs/demo-customers.md', () => {
  const rows = readFileSync(DOCS_FILE, 'utf8')
    .split('\n')
    .filter((line) => /^\| [A-Z] \| .+ \| \d{3} /.test(line) && line.includes('`'))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  it('lists one login account per customer of the data file', () => {
    expect(rows.map((r) => r[1])).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(rows).toHaveLength(demoData().customers.length);
  });

  it('matches the data file: names, accounts, PINs (against the hashes) and TOTP secrets', async () => {
    for (const [, , name, branch, , accountNumber, pin, secret] of rows) {
      const customer = demoData().customers.find((c) => name.startsWith(c.name))!;
      expect(customer).toBeDefined();
      expect(name).toBe(`${customer.name} (${customer.nameKana})`);
      expect(secret).toBe(`\`${customer.totpSecret}\``);
      const account = customer.accounts.find((a) => a.accountNumber === accountNumber)!;
      expect(branch).toBe(`${account.branchCode} ${demoData().branches[account.branchCode]}`);
      expect(await argon2.verify(account.pinHash!, pin)).toBe(true);
    }
  });
});
