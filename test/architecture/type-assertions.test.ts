import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * Type assertions (`x as T`, `<T>x`; `as const` is not one) under src/: typescript-eslint's
 * consistent-type-assertions rule (eslint.config.js) refuses them, and the allow-list is its
 * `eslint-disable-next-line` comments, each with a reason after `--`. This test holds the list to
 * at most 15 places and checks that the count here and the lint rule agree. Lower the number when
 * you remove one.
 */
const MAX_TYPE_ASSERTIONS = 1;
const ALLOW_LIST_LIMIT = 15;
const ALLOWED = /eslint-disable-next-line @typescript-eslint\/consistent-type-assertions(?: -- (.*))?$/;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** Every type assertion in a file's text, as "line: text". */
export const typeAssertionsIn = (fileName: string, text: string): string[] => {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      const isConst = ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(file) === 'const';
      if (!isConst) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        found.push(`${line + 1}: ${node.getText(file).replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
};

test('the counter finds assertions and leaves `as const` and `satisfies` alone', () => {
  const text = [
    'const a = b as string;',
    'const c = (d as unknown) as number[];',
    'const e = [1, 2] as const;',
    'const f = { g: 1 } satisfies object;',
  ].join('\n');
  expect(typeAssertionsIn('sample.ts', text)).toEqual([
    '1: b as string',
    '2: (d as unknown) as number[]',
    '2: d as unknown',
  ]);
});

test(`type assertions under src/ do not grow beyond ${MAX_TYPE_ASSERTIONS}`, () => {
  const all = sourceFiles(SRC).flatMap((path) =>
    typeAssertionsIn(path, readFileSync(path, 'utf8')).map((found) => `${relative(SRC, path)}:${found}`),
  );
  expect(all.length).toBeGreaterThan(0);
  if (all.length > MAX_TYPE_ASSERTIONS) expect(all).toHaveLength(MAX_TYPE_ASSERTIONS);
  expect(all.length).toBeLessThanOrEqual(MAX_TYPE_ASSERTIONS);
  // Parses every file under src/: a few seconds, more on a busy machine.
}, 60_000);

test(`the allow-list of type assertions is at most ${ALLOW_LIST_LIMIT} places, each with its reason`, () => {
  const allowed = sourceFiles(SRC).flatMap((path) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const found = ALLOWED.exec(line.trim());
        return found ? [{ at: `${relative(SRC, path)}:${i + 1}`, reason: found[1]?.trim() ?? '' }] : [];
      }),
  );
  expect(allowed.length).toBeLessThanOrEqual(ALLOW_LIST_LIMIT);
  expect(allowed.filter((a) => a.reason.length < 10)).toEqual([]);
  // Every assertion left is on the list (the lint rule refuses the others), and none is listed twice.
  expect(allowed).toHaveLength(MAX_TYPE_ASSERTIONS);
});
