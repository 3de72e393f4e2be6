// The accessibility check every browser test leans on (test/support/browser.ts `axeCheck`) must
// itself fail a page that breaks the rules, in the mode it runs axe in; otherwise every "passes
// axe" in the other files could not fail.
import type { Browser, Page } from 'playwright-core';
import { axeCheck, closeBrowser, launchBrowser, newPhoneContext } from '../support/browser.ts';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await newPhoneContext(browser)).newPage();
});

afterAll(async () => {
  await closeBrowser(browser);
});

const GOOD = `<!doctype html><html lang="ja"><head><title>口座の選択</title></head><body><main>
  <h1>口座の選択</h1>
  <form><label for="branch">店番</label><input id="branch" name="branch" inputmode="numeric">
  <button type="submit">次へ</button></form></main></body></html>`;

// An unnamed text field, an image without alternative text and a button without a name: each a
// serious or critical finding of axe's WCAG 2.0 A/AA rules.
const BAD = `<!doctype html><html lang="ja"><head><title>口座の選択</title></head><body><main>
  <h1>口座の選択</h1>
  <form><input id="branch" name="branch"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <button type="submit"></button></form></main></body></html>`;

test('a page that follows the rules passes', async () => {
  await page.setContent(GOOD);
  // axeCheck throws on a serious or critical finding; what it answers are the lesser ones.
  await expect(axeCheck(page)).resolves.toEqual(expect.any(Array));
});

test('a page with an unlabelled field, an image without alt and an empty button fails, naming each rule', async () => {
  await page.setContent(BAD);
  const failure = await axeCheck(page).then(
    () => undefined,
    (error: unknown) => String(error),
  );
  expect(failure).toMatch(/^Error: axe: \d+ serious\/critical violation\(s\)/);
  expect(failure).toContain('] label:');
  expect(failure).toContain('] image-alt:');
  expect(failure).toContain('] button-name:');
  expect(failure).toContain('#branch');
});

test('the same page checked twice (axe already in it) fails the same way', async () => {
  await page.setContent(BAD);
  await expect(axeCheck(page)).rejects.toThrow(/image-alt/);
  await expect(axeCheck(page)).rejects.toThrow(/image-alt/);
});
