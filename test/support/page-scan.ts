/**
 * What every customer page's text must never contain: an ISO date (pages write 2027年3月2日（火）
 * or Tue 2 Mar 2027), or a space around an interpolated name in Japanese copy (「デモかけいぼ に」).
 * Each finder answers the offending snippets, so a failing test says where.
 */
const ISO_DATE = /\d{4}-\d{2}-\d{2}/g;

export const isoDatesIn = (text: string): string[] =>
  [...text.matchAll(ISO_DATE)].map((m) => text.slice(Math.max(0, m.index - 15), m.index + m[0].length + 15));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// A Japanese letter or the punctuation that sits next to a name in Japanese copy.
const JA = '[\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}ー々、。「」（）・：]';
// A particle right after a space: what 「デモかけいぼ に」 looks like whatever the name.
const SPACED_PARTICLE = new RegExp(`${JA}[ \\u3000]+[にのをがはとでへもや](?=${JA})`, 'gu');

/** Spaces around the names in Japanese text, and a space before a particle anywhere. */
export const spacedNamesJa = (text: string, names: readonly string[]): string[] =>
  [
    ...names.flatMap((name) => [
      ...text.matchAll(new RegExp(`${JA}[ \\u3000]+${escape(name)}|${escape(name)}[ \\u3000]+${JA}`, 'gu')),
    ]),
    ...text.matchAll(SPACED_PARTICLE),
  ].map((m) => m[0]);

/** In English: a doubled space at a name, or a space between a name and the punctuation after it. */
export const spacedNamesEn = (text: string, names: readonly string[]): string[] =>
  names
    .flatMap((name) => [
      ...text.matchAll(new RegExp(` {2,}${escape(name)}|${escape(name)}( {2,}|\\s+[.,;:!?)’'])`, 'g')),
    ])
    .map((m) => m[0]);
