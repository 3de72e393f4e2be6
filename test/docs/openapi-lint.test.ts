import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/demo.ts';

/**
 * Every OpenAPI document in the repository lints clean — no error, no warning — under Redocly's and
 * Spectral's recommended rulesets as they ship. Both CLIs run offline: telemetry and update checks off.
 */

const run = promisify(execFile);
const DIR = join(ROOT, 'docs/openapi');
const documents = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(DIR, f));
const env = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  NO_UPDATE_NOTIFIER: '1',
};

let rules: string;
beforeAll(() => {
  rules = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  writeFileSync(join(rules, 'redocly.yaml'), 'extends:\n  - recommended\n');
  writeFileSync(join(rules, 'spectral.yaml'), 'extends: ["spectral:oas"]\n');
});
afterAll(() => rmSync(rules, { recursive: true, force: true }));

/** Runs a CLI that may exit non-zero on findings; its JSON report is what counts. */
const report = async (args: string[]) => {
  try {
    return (await run(process.execPath, args, { cwd: ROOT, env, maxBuffer: 32 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string };
    if (e.stdout) return e.stdout;
    throw err;
  }
};

test('the repository has OpenAPI documents to lint', () => {
  expect(documents.map((f) => f.split('/').at(-1))).toEqual(
    expect.arrayContaining(['data-api.json', 'admin-api.json']),
  );
});

test.each(documents.map((f) => [f.split('/').at(-1)!, f]))(
  'Redocly recommended: %s has no problem',
  async (_name, file) => {
    const out = await report([
      join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'),
      'lint',
      file,
      '--config',
      join(rules, 'redocly.yaml'),
      '--format=json',
    ]);
    const problems = (
      JSON.parse(out) as { problems: { ruleId: string; message: string; location: { pointer: string }[] }[] }
    ).problems;
    expect(problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
  },
);

test('Spectral recommended (spectral:oas): no document has a problem', async () => {
  const out = await report([
    join(ROOT, 'node_modules/@stoplight/spectral-cli/dist/index.js'),
    'lint',
    '--ruleset',
    join(rules, 'spectral.yaml'),
    '--format',
    'json',
    '--quiet',
    ...documents,
  ]);
  const results = JSON.parse(out.trim() || '[]') as { code: string; message: string; source: string; path: string[] }[];
  expect(results.map((r) => `${r.source.split('/').at(-1)} ${r.code} ${r.path.join('.')}: ${r.message}`)).toEqual([]);
}, 60_000);
