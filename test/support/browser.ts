import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { totp } from '../../src/shared/totp.ts';

/**
 * Real headless Chromium for the browser tests: Debian's chromium driven by playwright-core
 * (never `playwright install`). The flags keep Chromium off the network: the test machines have
 * none, and without them Chromium keeps trying to reach Google's services.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone: the customers of this service mostly arrive from a partner's app on one. */
export const PHONE_WIDTH = 390;
export const PHONE: BrowserContextOptions = {
  viewport: { width: PHONE_WIDTH, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });

/** A fresh browser profile (own cookies) at phone size; `options` can switch JavaScript off, etc. */
export const newPhoneContext = (browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> =>
  browser.newContext({ ...PHONE, ...options });

export const closeBrowser = async (browser: Browser | undefined) => {
  await browser?.close();
};

const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

/**
 * axe-core as the builder injects it: the minified build of the same version (the builder's
 * default is the 1.5 MB readable one), and only into a document that does not have it yet (the
 * builder injects it twice per check).
 */
const AXE_MIN = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_ONCE = `if (typeof window.axe !== 'object') {\n${AXE_MIN}\n}`;

/**
 * Runs axe-core (WCAG 2.0 A/AA and 2.1 AA rules) on the page as it is now and fails with a
 * readable list when any violation is serious or critical. Minor and moderate findings are
 * returned, not thrown, so a test can look at them if it wants to.
 */
export const axeCheck = async (page: Page) => {
  // Legacy mode: axe runs its rules in the page and answers there. The default mode opens a blank
  // page for every check (and injects axe a third time into it) to merge the results of
  // cross-origin frames, which these pages never have; the same rules run either way. Measured on
  // the 2-core machine: the browser project took 280 s and 549 CPU-s by default, 181 s and 353 in
  // legacy mode. test/browser/axe-check.test.ts shows the check still fails a page that breaks them.
  const results = await new AxeBuilder({ page, axeSource: AXE_ONCE })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21aa'])
    .setLegacyMode()
    .analyze();
  const blocking = results.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact ?? ''));
  if (blocking.length > 0) {
    const lines = blocking.flatMap((v) => [
      `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
      ...v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`),
    ]);
    throw new Error(`axe: ${blocking.length} serious/critical violation(s) on ${page.url()}\n${lines.join('\n')}`);
  }
  return results.violations;
};

/** Visible form controls (not hidden inputs) that no <label> names: each as "tag#id[name]". */
export const unlabelledInputs = (page: Page): Promise<string[]> =>
  page
    .locator('input:not([type=hidden]), select, textarea')
    .evaluateAll((elements) =>
      elements
        .filter((e) => ((e as unknown as { labels: { length: number } | null }).labels?.length ?? 0) === 0)
        .map((e) => `${e.tagName.toLowerCase()}#${e.id}[${e.getAttribute('name') ?? ''}]`),
    );

/** How wide the page scrolls; more than the viewport means a sideways scroll on a phone. */
// (A string expression: the test project compiles without the DOM library.)
export const scrollWidth = async (page: Page): Promise<number> =>
  Number(await page.evaluate('document.scrollingElement.scrollWidth'));

/**
 * The parts of the page's main content that scroll sideways within themselves (a table in its
 * scrolling region, a form, a list of facts): each as "label: width". The page not scrolling is
 * not enough on a desk screen: a table that scrolls inside its region hides columns too.
 */
export const wideElements = async (page: Page): Promise<string[]> => {
  const found: unknown = await page.evaluate(`(() =>
    [...document.querySelectorAll('main .table-scroll, main table, main form, main dl')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1)
      .map((e) => (e.getAttribute('aria-label') || e.className || e.tagName) + ': ' + e.scrollWidth))()`);
  return Array.isArray(found) ? found.map(String) : [];
};

/**
 * One server and one Chromium for a test file, a fresh browser context per test (closed after
 * it): the set-up every browser test file shares. `contextFor` opens a context the suite closes.
 */
export const browserSuite = (options: { startServer: () => Promise<{ close(): Promise<void> }> }) => {
  const state: { server?: Awaited<ReturnType<typeof options.startServer>>; browser?: Browser } = {};
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [state.server, state.browser] = await Promise.all([options.startServer(), launchBrowser()]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await closeBrowser(state.browser);
    await state.server?.close();
  });
  return {
    get browser() {
      return state.browser!;
    },
    /** A new context (its own cookies) that the suite closes after the test; short default timeout. */
    async contextFor(create: (browser: Browser) => Promise<BrowserContext>) {
      const context = await create(state.browser!);
      contexts.push(context);
      // A missing label or button should fail in seconds, not at the 30-second default.
      context.setDefaultTimeout(10_000);
      return context;
    },
  };
};

/** The console's screen in the browser tests: a 1366 × 768 desk screen. */
export const DESK = { width: 1366, height: 768 };

/**
 * What every console page must pass at the desk screen: axe (unless asked not to), labelled inputs,
 * no sideways scroll, and no table that scrolls within itself (every column on the screen).
 */
export const checkDeskPage = async (page: Page, options: { axe?: boolean } = {}) => {
  if (options.axe !== false) await axeCheck(page);
  expect(await unlabelledInputs(page)).toEqual([]);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(DESK.width);
  expect({ page: page.url(), wide: await wideElements(page) }).toEqual({ page: page.url(), wide: [] });
};

/**
 * A staff member's console login as they do it: username and password, then the one-time code of
 * a fresh time step. `check` runs on the login pages (axe and labels, say).
 */
export const logInToConsole = async (
  page: Page,
  server: { url: string; clock: { advance(ms: number): void; now(): number } },
  who: { username: string; password: string; totpSecret: string },
  check?: (page: Page) => Promise<void>,
) => {
  await page.goto(`${server.url}/admin/login`);
  await check?.(page);
  await page.getByLabel('ユーザー名').fill(who.username);
  await page.getByLabel('パスワード', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: '次へ' }).click();
  await page.waitForURL(/\/admin\/login\/totp$/);
  await check?.(page);
  server.clock.advance(30_000);
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totp(who.totpSecret, server.clock.now()));
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/admin$/);
};

/** What every customer page must pass: axe, no sideways scroll at phone width, labelled inputs. */
export const checkPhonePage = async (page: Page, options: { axe?: boolean } = {}) => {
  if (options.axe !== false) await axeCheck(page);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);
  expect(await unlabelledInputs(page)).toEqual([]);
};

/** Step 1 of the identity check, filled by the labels a customer reads (API連携認証 and /my alike). */
export const fillIdentityCheck = async (
  page: Page,
  t: (key: 'login.branch' | 'login.accountType' | 'login.accountNumber' | 'login.pin' | 'login.submit') => string,
  who: { branch: string; accountType: string; accountNumber: string; pin: string },
) => {
  await page.getByLabel(t('login.branch')).fill(who.branch);
  await page.getByLabel(t('login.accountType')).selectOption(who.accountType);
  await page.getByLabel(t('login.accountNumber')).fill(who.accountNumber);
  await page.getByLabel(t('login.pin')).fill(who.pin);
  await page.getByRole('button', { name: t('login.submit') }).click();
  await page.waitForLoadState();
};
