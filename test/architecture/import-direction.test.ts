import { fileURLToPath } from 'node:url';
import { folderCycles, folderEdges, folderOf, importGraph, type ImportEdge } from './import-graph.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Layers every surface builds on: they must never import a surface. */
const LOWER = ['web', 'http', 'shared', 'store'];

/** Modules that answer requests of their own (pages, APIs, events) or are entry points. */
const SURFACES = [
  'admin',
  'cli',
  'core-events',
  'demo-partner',
  'grant-management',
  'interaction',
  'my-page',
  'notifier',
  'ops',
  'partner-events',
  'public-pages',
  'resource-api',
];

/**
 * Imports that break the rules today and have an owner moving them; each entry is
 * "from-file > to-file" (paths under src/). Empty it as they go; never add to it.
 */
const ALLOWED: string[] = [];

const edges = importGraph(SRC);
const show = (e: ImportEdge) => `${e.from} > ${e.to}`;

test('the import graph is read: it holds imports known to exist, type-only ones marked', () => {
  expect(edges.length).toBeGreaterThan(500);
  expect(edges).toContainEqual({ from: 'app.ts', to: 'protocol/provider.ts', typeOnly: false });
  expect(edges.filter((e) => e.typeOnly).length).toBeGreaterThan(50);
  expect(folderOf('admin/settings-schema.ts')).toBe('config');
  expect(folderOf('admin/console/router.ts')).toBe('admin');
  expect(folderOf('app.ts')).toBe('');
});

test.each(LOWER)('nothing under src/%s/ imports a surface module', (lower) => {
  const wrong = edges
    .filter((e) => folderOf(e.from) === lower && SURFACES.includes(folderOf(e.to)))
    .map(show)
    .filter((edge) => !ALLOWED.includes(edge));
  expect(wrong).toEqual([]);
});

test('no two top-level folders import each other, directly or through others', () => {
  const pairs = folderEdges(edges.filter((e) => !ALLOWED.includes(show(e))));
  const cycles = folderCycles(pairs.keys()).map((folders) => ({
    folders,
    imports: [...pairs].filter(([pair]) => pair.split('>').every((f) => folders.includes(f))).map(([, e]) => show(e)),
  }));
  expect(cycles).toEqual([]);
});

test('a cycle is found when there is one (protocol ↔ grant-management, or longer)', () => {
  expect(folderCycles(['protocol>grant-management', 'grant-management>protocol'])).toEqual([
    ['grant-management', 'protocol'],
  ]);
  expect(folderCycles(['http>web', 'web>availability', 'availability>http', 'web>shared'])).toEqual([
    ['availability', 'http', 'web'],
  ]);
  expect(folderCycles(['a>b', 'b>c'])).toEqual([]);
});

test('every entry of the allow-list is still an import (a stale entry hides nothing and goes)', () => {
  const present = new Set(edges.map(show));
  expect(ALLOWED.filter((edge) => !present.has(edge))).toEqual([]);
});
