import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = 'docs/terms-traceability.md';

/** Every `code span` of the document that names a path in the repository. */
const namedPaths = (text: string) =>
  [...new Set([...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]))].filter((span) =>
    /^(src|test|views|config|docs|bench|scripts)\//.test(span),
  );

/** Whether a path exists; a `*` in its last part matches any characters of a file name. */
const exists = (path: string) => {
  if (!path.includes('*')) return existsSync(join(ROOT, path));
  const dir = join(ROOT, dirname(path));
  const name = new RegExp(`^${path.split('/').at(-1)!.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
  return existsSync(dir) && readdirSync(dir).some((entry) => name.test(entry));
};

test(`every file and folder that ${DOC} names exists`, () => {
  const paths = namedPaths(readFileSync(join(ROOT, DOC), 'utf8'));
  expect(paths.length).toBeGreaterThan(40);
  expect(paths.filter((path) => !exists(path))).toEqual([]);
});

test('a path that is not there is reported', () => {
  const paths = namedPaths('see `src/no-such-module.ts` and `test/audit/*.test.ts`, not `accounts`');
  expect(paths).toEqual(['src/no-such-module.ts', 'test/audit/*.test.ts']);
  expect(paths.filter((path) => !exists(path))).toEqual(['src/no-such-module.ts']);
});
