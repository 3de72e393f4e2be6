import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One import of one source file: who imports, what, and whether only its types. */
export interface ImportEdge {
  /** Paths relative to src/, with forward slashes. */
  from: string;
  to: string;
  typeOnly: boolean;
}

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

// Static imports and re-exports (`import … from '…'`, `export … from '…'`, `import '…'`) and
// dynamic `import('…')`. Comments are removed first, so an example in a comment does not count.
const STATIC = /^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** Every import between files under `srcDir` (imports of packages and node: are left out). */
export const importGraph = (srcDir: string): ImportEdge[] => {
  const root = resolve(srcDir);
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    const text = withoutComments(readFileSync(file, 'utf8'));
    const found: { spec: string; typeOnly: boolean }[] = [];
    for (const m of text.matchAll(STATIC)) found.push({ spec: m[4], typeOnly: Boolean(m[2]) });
    for (const m of text.matchAll(DYNAMIC)) found.push({ spec: m[1], typeOnly: false });
    for (const { spec, typeOnly } of found) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      edges.push({ from: toKey(root, file), to: toKey(root, target), typeOnly });
    }
  }
  return edges;
};

const toKey = (root: string, path: string) => relative(root, path).split(sep).join('/');

/**
 * The top-level folder of a path relative to src/ ("" for app.ts, main.ts and other root files).
 * A module's settings-schema.ts is its slice of the configuration's schema, which config/ puts
 * together: it counts as part of config/.
 */
export const folderOf = (path: string) => {
  if (path.endsWith('/settings-schema.ts')) return 'config';
  return topFolder(path);
};

const topFolder = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '');

/** Folder-to-folder edges (each with one file import that makes it), root files left out. */
export const folderEdges = (edges: ImportEdge[]) => {
  const byPair = new Map<string, ImportEdge>();
  for (const e of edges) {
    // A module reading the type of its own settings slice stays inside the module.
    if (topFolder(e.from) === topFolder(e.to)) continue;
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (!a || !b || a === b) continue;
    if (!byPair.has(`${a}>${b}`)) byPair.set(`${a}>${b}`, e);
  }
  return byPair;
};

/** Strongly connected components of more than one folder: each is a cycle of imports. */
export const folderCycles = (pairs: Iterable<string>): string[][] => {
  const next = new Map<string, string[]>();
  for (const pair of pairs) {
    const [a, b] = pair.split('>');
    next.set(a, [...(next.get(a) ?? []), b]);
    if (!next.has(b)) next.set(b, []);
  }
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
};
