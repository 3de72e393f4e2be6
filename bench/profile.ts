// npm run bench:profile-summary -- <file.cpuprofile> [--from s] [--to s] — where a server's CPU time
// went, from a profile `node --cpu-prof` wrote (npm run bench with BENCH_PROFILE=<dir> runs the real
// server that way); --from/--to keep the samples of that window (seconds since the process
// started: leave start-up out). Self time by package / project folder / Node internals, the
// heaviest functions and who called them, and the inclusive time of the project's files (each
// counted once per stack).
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/profile.ts <file.cpuprofile>\n');
  process.exit(64);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) * 1e6 : undefined;
};
const from = option('from') ?? 0;
const to = option('to') ?? Infinity;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Self time per node from the samples and their time deltas (µs).
const self = new Map<number, number>();
let at = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self]
  .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
  .reduce((a, [, t]) => a + t, 0);
const busy = total - idle;

const area = (n: Node) => {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName; // (garbage collector), (program), (idle)
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const src = /\/(src\/[^/]+)\//.exec(url);
  if (src) return src[1];
  const internal = /^node:(?:internal\/)?([^/]+)/.exec(url);
  if (internal) return `node:${internal[1].replace(/\.js$/, '')}`;
  return url.replace(/^file:\/\/.*\//, '');
};

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName === '(idle)') continue;
  add(areas, area(n), t);
  const where = n.callFrame.url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\//, '');
  add(functions, `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`, t);
}

// Inclusive time per project file: each sample's stack counts a file once.
const inclusive = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const m = /\/(src\/.*\.ts)$/.exec(byId.get(cur)!.callFrame.url);
    if (m) seen.add(m[1]);
  }
  for (const f of seen) add(inclusive, f, t);
}

// Who calls the heaviest native / internal functions: the nearest frame in the project or a package.
const callers = new Map<string, Map<string, number>>();
const heaviest = new Set(
  [...functions]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k]) => k),
);
for (const [id, t] of self) {
  const n = byId.get(id)!;
  const where = n.callFrame.url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\//, '');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`;
  if (!heaviest.has(key)) continue;
  let cur = parent.get(id);
  while (cur !== undefined && !/\/(src|node_modules)\//.test(byId.get(cur)!.callFrame.url)) cur = parent.get(cur);
  const c = cur === undefined ? '(none)' : byId.get(cur)!;
  const label =
    typeof c === 'string'
      ? c
      : `${c.callFrame.functionName || '(anonymous)'} ${c.callFrame.url.replace(/^.*\/(node_modules|src)\//, '$1/')}`;
  const m = callers.get(key) ?? new Map<string, number>();
  add(m, label, t);
  callers.set(key, m);
}

const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)}%`;
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
const out = [
  `profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy ` +
    '(percentages of busy time)',
  '',
  'self time by area',
  ...top(areas, 25).map(([k, t]) => `  ${pct(t)}  ${k}`),
  '',
  'heaviest functions (self time)',
  ...top(functions, 30).map(([k, t]) => `  ${pct(t)}  ${k}`),
  '',
  'who calls the heaviest (nearest project or package frame)',
  ...[...callers].flatMap(([k, m]) => [`  ${k}`, ...top(m, 4).map(([c, t]) => `    ${pct(t)}  ${c}`)]),
  '',
  'project files, inclusive time',
  ...top(inclusive, 30).map(([k, t]) => `  ${pct(t)}  ${k}`),
];
process.stdout.write(`${out.join('\n')}\n`);
