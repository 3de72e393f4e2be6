import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The opaque `nextItemKey`: where the next page starts, bound to the account and the date range
 * it was issued for and signed, so a partner cannot forge one or reuse it for another query.
 */
export const createPagingKeys = (secret: Buffer) => {
  const mac = (body: string) => createHmac('sha256', secret).update(body).digest('base64url').slice(0, 22);
  return {
    issue(scope: { accountId: string; dateFrom: string; dateTo: string }, afterItemKey: string) {
      const body = Buffer.from(JSON.stringify([scope.accountId, scope.dateFrom, scope.dateTo, afterItemKey])).toString(
        'base64url',
      );
      return `${body}.${mac(body)}`;
    },
    /** The item key to continue after, or undefined when the key is not one we issued for this query. */
    read(key: string, scope: { accountId: string; dateFrom: string; dateTo: string }): string | undefined {
      const [body, tag] = key.split('.');
      if (!body || !tag || tag.length !== 22) return undefined;
      // Compared as bytes of equal length whatever the input (a non-ASCII tag has more bytes than characters).
      const given = Buffer.from(tag);
      const expected = Buffer.from(mac(body));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const parsed: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
        if (!Array.isArray(parsed)) return undefined;
        const [accountId, dateFrom, dateTo, after]: unknown[] = parsed;
        return accountId === scope.accountId &&
          dateFrom === scope.dateFrom &&
          dateTo === scope.dateTo &&
          typeof after === 'string'
          ? after
          : undefined;
      } catch {
        return undefined;
      }
    },
  };
};
