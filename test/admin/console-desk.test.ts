import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff, logIn } from './support/staff.ts';

/**
 * What the night shift sees at once: the banner of restrictions in force on every console page
 * (what, since when, by whom, until when) and the home page's counts.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const count = (html: string, name: string) => Number(new RegExp(`data-count="${name}">(\\d+)<`).exec(html)?.[1]);

test('a restriction in force shows on every page with its scope, since, by whom and until; lifted, the banner goes', async () => {
  const { staff, home } = await logIn(server, demoStaff.auditor);
  expect(home.html).not.toContain('現在有効な制限');
  const until = server.clock.now() + 2 * 3600_000;
  const restriction = await server.app.availability.restrictions.set({
    scope: { kind: 'partner', partnerId: 'demo-kakeibo' },
    message: { ja: '調査中', en: 'Investigating' },
    until,
    setBy: 'demo-operator',
    reason: '不正アクセスの疑い',
  });
  await server.app.availability.restrictions.set({
    scope: { kind: 'surface', surface: 'my_page' },
    message: { ja: '点検中', en: 'Maintenance' },
    setBy: 'night-admin',
    reason: '点検',
  });
  for (const path of ['/admin', '/admin/partners', '/admin/audit', '/admin/service', '/admin/linkages/none']) {
    const page = await staff.get(path);
    expect(page.html).toContain('現在有効な制限');
    expect(page.html).toContain('提携先: デモかけいぼ');
    expect(page.html).toContain('（設定: demo-operator）');
    expect(page.html).toMatch(/\d{4}年\d{1,2}月\d{1,2}日（.）\s?\d{2}:\d{2}まで/);
    expect(page.html).toContain('理由: 不正アクセスの疑い');
    expect(page.html).toContain('機能: マイページ');
    expect(page.html).toContain('解除するまで');
  }
  const english = await staff.get('/admin?lang=en');
  expect(english.html).toContain('Restrictions in force');
  expect(english.html).toContain('until lifted');

  await server.app.availability.restrictions.lift(restriction.id, 'test');
  const after = await staff.get('/admin?lang=ja');
  expect(after.html).not.toContain('提携先: デモかけいぼ');
  expect(after.html).toContain('機能: マイページ');
  for (const r of await server.app.availability.restrictions.list())
    await server.app.availability.restrictions.lift(r.id, 'test');
  expect((await staff.get('/admin')).html).not.toContain('現在有効な制限');
});

test('the home page counts live linkages, locks today, restrictions and partner events given up today', async () => {
  const { staff } = await logIn(server, demoStaff.operator);
  const before = await staff.get('/admin');
  const linkages = count(before.html, 'liveLinkages');
  const locks = count(before.html, 'locksToday');
  expect(count(before.html, 'restrictions')).toBe(0);

  await link(server, await partnerFor(server), customers.twoBranches);
  await server.app.audit.record({ kind: 'identity_check.locked', result: 'failure', customerId: '0000100002' });
  await server.app.audit.record({ kind: 'partner_event.abandoned', result: 'failure', partnerId: 'demo-kakeibo' });
  const restriction = await server.app.availability.restrictions.set({
    scope: { kind: 'surface', surface: 'data_api' },
    message: { ja: 'a', en: 'b' },
    setBy: 'x',
    reason: 'y',
  });
  const after = await staff.get('/admin');
  expect(count(after.html, 'liveLinkages')).toBe(linkages + 1);
  expect(count(after.html, 'locksToday')).toBe(locks + 1);
  expect(count(after.html, 'restrictions')).toBe(1);
  expect(count(after.html, 'partnerEventsAbandoned')).toBeGreaterThanOrEqual(1);
  expect(after.html).toContain('kind=identity_check.locked');
  await server.app.availability.restrictions.lift(restriction.id, 'test');
});
