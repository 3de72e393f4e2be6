import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoDateAt, isoDateText } from '../../src/shared/jst.ts';
import { customers, ROOT } from '../support/demo.ts';
import { link, partnerFor, startAt } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { CustomerAgent } from '../support/customer-agent.ts';

const JST = 9 * 3600 * 1000;
const DAY = 86400 * 1000;

/** A terms file with version 2.0 (requiring new consent) taking effect tomorrow, JST. */
const termsWithChangeTomorrow = (nowMs: number) => {
  const dir = mkdtempSync(join(tmpdir(), 'test-terms-'));
  copyFileSync(join(ROOT, 'config/terms/1.0.ja.txt'), join(dir, '1.0.ja.txt'));
  copyFileSync(join(ROOT, 'test/fixtures/terms-change/2.0.ja.txt'), join(dir, '2.0.ja.txt'));
  const tomorrow = isoDateAt(nowMs + DAY);
  writeFileSync(
    join(dir, 'terms.json'),
    JSON.stringify({
      versions: [
        { version: '1.0', effectiveFrom: '2026-04-01', requiresReconsent: false, file: '1.0.ja.txt' },
        {
          version: '2.0',
          effectiveFrom: tomorrow,
          requiresReconsent: true,
          file: '2.0.ja.txt',
          changeSummary: { ja: '条項の追加', en: 'A clause added' },
        },
      ],
    }),
  );
  // Access tokens live a day here, so one issued before midnight is still alive after it.
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({
      identityCheck: { failureDelaysMs: [0], responseFloorMs: 0 },
      lifetimes: { accessTokenSeconds: 86400 },
    }),
  );
  return { dir, tomorrow };
};

describe('a terms change that requires new consent (terms 9)', () => {
  let server: TestServer;
  let fixture: ReturnType<typeof termsWithChangeTomorrow>;
  beforeAll(async () => {
    fixture = termsWithChangeTomorrow(Date.now());
    server = await startServer({
      env: { TERMS_FILE: join(fixture.dir, 'terms.json'), CONFIG_FILE: join(fixture.dir, 'settings.json') },
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  test('before the date: the consent page shows the notice, refresh works; after it: refresh says reconsent_required, the old access token works, re-consent restores service', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    expect(linked.consentPage.html).toContain('API利用規定 第1.0版');
    expect(linked.consentPage.html).toContain(`${isoDateText(fixture.tomorrow, 'ja')}に第2.0版へ改定されます`);
    expect(linked.consentPage.html).not.toContain(fixture.tomorrow);
    expect(linked.consentPage.html).toContain('改定後は、あらためて同意が必要です');
    await expect(partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys)).resolves.toMatchObject({
      token_type: 'dpop',
    });

    // Move past midnight JST: version 2.0 is in force.
    const now = server.clock.now();
    const nextMidnightJst = Math.ceil((now + JST) / DAY) * DAY - JST;
    server.clock.set(nextMidnightJst + 60_000);
    await expect(partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys)).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/^reconsent_required/),
    });
    const stillValid = await partner.resource(
      `${server.url}/api/v1/accounts`,
      linked.tokens.access_token,
      linked.pending.dpopKeys,
    );
    expect(stillValid.status).toBe(200);

    const again = await link(server, partner, customers.allTypes);
    expect(again.consentPage.html).toContain('API利用規定 第2.0版');
    await expect(partner.refresh(again.tokens.refresh_token!, again.pending.dpopKeys)).resolves.toMatchObject({
      token_type: 'dpop',
    });
  });

  test('the public terms page lists the current, the scheduled and the past versions', async () => {
    const own = await startServer({ env: { TERMS_FILE: join(fixture.dir, 'terms.json') } });
    try {
      const before = await (await fetch(`${own.url}/terms`)).text();
      expect(before).toContain('現在の版：第1.0版');
      expect(before).toContain('改定予定');
      expect(before).toContain('2.0');
      own.clock.advance(2 * DAY);
      const after = await (await fetch(`${own.url}/terms`)).text();
      expect(after).toContain('現在の版：第2.0版');
      expect(after).toContain('過去の版');
      expect(after).toContain('第1.0版（2026年4月1日（水）施行）');
      expect(after).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    } finally {
      await own.close();
    }
    void startAt;
    void CustomerAgent;
  });
});
