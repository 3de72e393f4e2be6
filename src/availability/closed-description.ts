import { formatJst, type Surface } from '../calendar/index.ts';
import type { AvailabilityAnswer } from './types.ts';

type Closed = Extract<AvailabilityAnswer, { open: false }>;

const SURFACE_NAMES: Record<Surface, string> = {
  authorization: 'Linkage authorization',
  data_api: 'The data API',
  token_refresh: 'Token refresh',
  my_page: 'The customer page',
};

/**
 * One line for a partner's program (data API errorMessage, token endpoint error_description):
 * the operator's message for a restriction — Japanese unless English is asked for — otherwise
 * which calendar rule closed the surface and when it opens again.
 */
export const closedDescription = (surface: Surface, answer: Closed, language: 'ja' | 'en' = 'ja'): string => {
  if (answer.cause === 'restriction' && answer.message) return answer.message[language];
  const why = answer.reason === undefined ? '' : ` (${answer.reason})`;
  const when = answer.opensAt === undefined ? '' : `; it opens again at ${formatJst(answer.opensAt)}`;
  return `${SURFACE_NAMES[surface]} is closed now${why}${when}.`;
};

/** RFC 6749 §5.2 allows only printable ASCII but `"` and `\` in error_description. */
export const oauthErrorDescription = (text: string): string =>
  text
    .replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
