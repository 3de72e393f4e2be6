import fc from 'fast-check';

/**
 * Spellings of one path that a lenient router might take for it: letter case (ASCII, and Unicode
 * letters that fold to ASCII ones: the Kelvin sign K for k, the long s ſ for s, dotless ı for i),
 * a trailing slash, percent-encoded letters and slashes (%2F), repeated slashes, dot segments,
 * backslashes. Generated from the route's own template with its parameters filled in.
 */
const FOLDS: Record<string, string[]> = { k: ['\u212A'], s: ['\u017F'], i: ['\u0131', '\u0130'] };

const encodeNonAscii = (path: string) => path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));

type Mutation = (path: string, at: number) => string;

const letterPositions = (path: string) => [...path].flatMap((c, i) => (/[a-z]/i.test(c) ? [i] : []));
const slashPositions = (path: string) => [...path].flatMap((c, i) => (c === '/' && i > 0 ? [i] : []));
const pick = (positions: number[], at: number) => positions[at % positions.length];

const MUTATIONS: Record<string, Mutation> = {
  upper: (p) => p.toUpperCase(),
  flipOne: (p, at) => {
    const i = pick(letterPositions(p), at);
    return i === undefined
      ? p
      : p.slice(0, i) + (p[i] === p[i].toUpperCase() ? p[i].toLowerCase() : p[i].toUpperCase()) + p.slice(i + 1);
  },
  unicodeFold: (p, at) => {
    const candidates = [...p].flatMap((c, i) => (FOLDS[c] ? [i] : []));
    const i = pick(candidates, at);
    if (i === undefined) return p;
    const folds = FOLDS[p[i]];
    return p.slice(0, i) + folds[at % folds.length] + p.slice(i + 1);
  },
  trailingSlash: (p) => `${p}/`,
  percentLetter: (p, at) => {
    const i = pick(letterPositions(p), at);
    if (i === undefined) return p;
    const hex = p.charCodeAt(i).toString(16);
    return `${p.slice(0, i)}%${at % 2 ? hex.toUpperCase() : hex}${p.slice(i + 1)}`;
  },
  encodedSlash: (p, at) => {
    const i = pick(slashPositions(p), at);
    return i === undefined ? p : `${p.slice(0, i)}${at % 2 ? '%2F' : '%2f'}${p.slice(i + 1)}`;
  },
  doubleSlash: (p, at) => {
    const i = pick(slashPositions(p), at) ?? 0;
    return `${p.slice(0, i)}/${p.slice(i)}`;
  },
  dotSegment: (p, at) => {
    const i = pick(slashPositions(p), at) ?? 0;
    return `${p.slice(0, i)}/.${p.slice(i)}`;
  },
  dotDotSegment: (p, at) => {
    const i = pick(slashPositions(p), at) ?? 0;
    return `${p.slice(0, i)}/x/..${p.slice(i)}`;
  },
  encodedDot: (p, at) => {
    const i = pick(slashPositions(p), at) ?? 0;
    return `${p.slice(0, i)}/%2e${p.slice(i)}`;
  },
  backslash: (p, at) => {
    const i = pick(slashPositions(p), at);
    return i === undefined ? p : `${p.slice(0, i)}\\${p.slice(i + 1)}`;
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One named mutation of a path at a position (the fuzz suite draws them). */
export const mutatePath = (path: string, name: string, at: number) => encodeNonAscii(MUTATIONS[name](path, at));

/** One of each mutation at every position (deterministic), then `random` combinations of 1–3 of them. */
export const pathVariants = (path: string, random = 40, seed = 10): string[] => {
  const out = new Set<string>();
  const positions = Math.max(letterPositions(path).length, 1);
  for (const name of MUTATION_NAMES) for (let at = 0; at < positions; at += 3) out.add(MUTATIONS[name](path, at));
  const combos = fc.sample(
    fc.array(fc.tuple(fc.constantFrom(...MUTATION_NAMES), fc.nat(64)), { minLength: 1, maxLength: 3 }),
    { numRuns: random, seed },
  );
  for (const combo of combos) out.add(combo.reduce((p, [name, at]) => MUTATIONS[name](p, at), path));
  out.delete(path);
  return [...out].map(encodeNonAscii);
};

/** A route template with its parameters filled in: `/interaction/:uid/login` with { uid }. */
export const fillTemplate = (template: string, params: Record<string, string>) =>
  template.replace(/:([A-Za-z]+)/g, (_, name: string) => params[name] ?? 'x');
