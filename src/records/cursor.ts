import type { AuditCursor } from './record-store.ts';

/** A keyset cursor as an opaque URL-safe token: base64url of [time, id]. */
export const encodeCursor = (cursor: AuditCursor): string =>
  Buffer.from(JSON.stringify([cursor.time, cursor.id])).toString('base64url');

/** The cursor of a token, or undefined when it is not one this server made. */
export const decodeCursor = (token: string): AuditCursor | undefined => {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [time, id]: unknown[] = value;
    if (typeof time !== 'string' || Number.isNaN(Date.parse(time)) || !/^\d{4}-\d{2}-\d{2}T/.test(time))
      return undefined;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
    return { time, id };
  } catch {
    return undefined;
  }
};
