import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/demo.ts';

/**
 * docs/security.md maps each attack case to its own test. The list is only worth something if
 * every name points at a test that exists, in the file named, and no two cases lean on one test.
 */
const rows = readFileSync(join(ROOT, 'docs/security.md'), 'utf8')
  .split('\n')
  .filter((line) => /^\| \d+ \|/.test(line))
  .map((line) => {
    const cells = line.split(' | ');
    const file = /`([^`]+)`/.exec(cells[3])?.[1] ?? '';
    const name = /`(.+)` \|$/.exec(cells.slice(4).join(' | '))?.[1] ?? '';
    return { line, file, name };
  });

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('docs/security.md lists at least 60 attack cases', () => {
  expect(rows.length).toBeGreaterThanOrEqual(60);
});

test('every case names a test that exists in the file it names', () => {
  for (const { line, file, name } of rows) {
    expect({ line, file: file !== '' && existsSync(join(ROOT, file)), name: name !== '' }).toEqual({
      line,
      file: true,
      name: true,
    });
    const source = readFileSync(join(ROOT, file), 'utf8');
    const declared = new RegExp(`\\b(test|it)\\(\\s*(['"\`])${escape(name)}\\2`).test(source);
    expect({ file, name, declared }).toEqual({ file, name, declared: true });
  }
});

test('no two cases share one test', () => {
  const seen = new Map<string, string>();
  for (const { line, file, name } of rows) {
    const key = `${file}\u0000${name}`;
    expect({ line, sharedWith: seen.get(key) }).toEqual({ line, sharedWith: undefined });
    seen.set(key, line);
  }
});
