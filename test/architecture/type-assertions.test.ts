import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * A ratchet on type assertions (`x as T`, `<T>x`; `as const` is not one) under src/: typed state,
 * schema-derived types, guards and `satisfies` replace them, and the number may only go down.
 * Lower it when you remove some; once it is within the allow-list, typescript-eslint's
 * consistent-type-assertions rule takes over in eslint.config.js.
 */
const MAX_TYPE_ASSERTIONS = 1;

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
