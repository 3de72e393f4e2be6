/**
 * Names in kana as staff type them and as core systems store them, brought to one form so that
 * they compare: half-width katakana (ｻﾄｳ, with ﾞ and ﾟ as separate marks) become full-width,
 * hiragana becomes katakana, small kana become large (older systems store ショウジ as ｼﾖｳｼﾞ),
 * spaces of either width go, and latin letters are upper-cased.
 */

// Small kana and their large forms (katakana; hiragana is mapped to katakana first).
const SMALL_TO_LARGE: Record<string, string> = {
  ァ: 'ア',
  ィ: 'イ',
  ゥ: 'ウ',
  ェ: 'エ',
  ォ: 'オ',
  ッ: 'ツ',
  ャ: 'ヤ',
  ュ: 'ユ',
  ョ: 'ヨ',
  ヮ: 'ワ',
  ヵ: 'カ',
  ヶ: 'ケ',
};

const HIRAGANA = /[\u3041-\u3096\u309D\u309E]/g;
// U+3000 (ideographic space) and every other white space.
const SPACES = /[\s\u3000]+/g;
// Dashes a name's long vowel is often typed as.
const DASHES = /[\u2010-\u2015\u2212\uFF0D-]/g;

export const normalizeKana = (text: string): string =>
  text
    // NFKC: half-width katakana to full width, a separate voicing mark composed with its kana.
    .normalize('NFKC')
    .replace(SPACES, '')
    .replace(HIRAGANA, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
    .replace(/[ァィゥェォッャュョヮヵヶ]/g, (c) => SMALL_TO_LARGE[c] ?? c)
    .replace(DASHES, 'ー')
    .toUpperCase();

/** Whether a text is a name in kana (after normalising): katakana, the long vowel mark and the middle dot only. */
export const isKanaName = (normalized: string): boolean => /^[\u30A1-\u30FA\u30FC\u30FB]+$/.test(normalized);
