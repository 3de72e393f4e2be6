/**
 * What staff type into the console and the bank's systems send to the admin API: a reason, an
 * operator's message to customers and partners. Never blank, at most 500 characters — one rule
 * for both ways in.
 */
export const staffTextSchema = { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } as const;
