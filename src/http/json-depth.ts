/** How deep a JSON request body may nest: far more than any of our schemas needs, far less than a stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether a JSON text nests arrays and objects deeper than `maxDepth`, found by one linear scan of
 * the text (strings skipped) before anything parses, clones or validates it: a 20,000-deep array
 * would otherwise overflow the stack of whatever walks it first.
 */
export const jsonTooDeep = (text: string, maxDepth = MAX_JSON_DEPTH): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
};
