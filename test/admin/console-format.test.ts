import { exportFileName, formatJst, parseJstLocal, toJstLocal } from '../../src/admin/console/format.ts';
import { formatEvents } from '../../src/audit/export-format.ts';
import type { RecordedAuditEvent } from '../../src/audit/index.ts';

/**
 * The console's times are Japan time everywhere: on the screen, in the datetime-local inputs, in
 * an export's file name and in the exported rows (the same instant, +09:00), so that the file a
 * night-shift operator downloads at 00:30 is named for the day the screen shows.
 */

// 2026-12-01 15:30:09.250 UTC is 2026-12-02 00:30:09 in Japan: the day differs.
const JUST_AFTER_MIDNIGHT_JST = Date.UTC(2026, 11, 1, 15, 30, 9, 250);

describe('export file names', () => {
  test('are stamped with the Japan date and time to the second, and say JST', () => {
    expect(exportFileName('audit', JUST_AFTER_MIDNIGHT_JST, 'csv')).toBe('audit-2026-12-02-003009-JST.csv');
    expect(exportFileName('incident', JUST_AFTER_MIDNIGHT_JST, 'jsonl')).toBe('incident-2026-12-02-003009-JST.jsonl');
  });

  test('in the afternoon the UTC and Japan dates agree; the time is still Japan time', () => {
    expect(exportFileName('audit', Date.UTC(2026, 11, 2, 4, 43, 21), 'csv')).toBe('audit-2026-12-02-134321-JST.csv');
  });
});

describe('times on the screen and in the inputs', () => {
  test('the screen shows Japan time to the second', () => {
    expect(formatJst(JUST_AFTER_MIDNIGHT_JST)).toBe('2026-12-02 00:30:09');
    expect(formatJst(undefined)).toBe('');
    expect(formatJst(Number.NaN)).toBe('');
  });

  test('a datetime-local value is read as Japan time and written back the same', () => {
    expect(parseJstLocal('2026-12-02T00:30')).toBe(Date.UTC(2026, 11, 1, 15, 30));
    expect(parseJstLocal('2026-12-02T00:30:09')).toBe(Date.UTC(2026, 11, 1, 15, 30, 9));
    expect(toJstLocal(JUST_AFTER_MIDNIGHT_JST)).toBe('2026-12-02T00:30');
    expect(parseJstLocal(toJstLocal(JUST_AFTER_MIDNIGHT_JST))).toBe(Date.UTC(2026, 11, 1, 15, 30));
  });

  test.each(['', '2026-12-02', '2026-12-02 00:30', '2026-02-30T10:00', '2026-12-02T24:00', '2026-12-02T10:60', 42])(
    'a malformed datetime-local value (%p) is no time at all',
    (value) => {
      expect(parseJstLocal(value)).toBeUndefined();
    },
  );
});

describe('exported rows', () => {
  const event: RecordedAuditEvent = {
    id: 'e1',
    time: new Date(JUST_AFTER_MIDNIGHT_JST).toISOString(),
    kind: 'grant.ended',
    result: 'success',
    instance: 'web-1',
    chain: 'c1',
    seq: 1,
    prev: 'GENESIS',
  };
  const lines = async (timeZone?: 'UTC' | 'JST') => {
    const out: string[] = [];
    async function* one() {
      yield event;
    }
    for await (const line of formatEvents(one(), 'jsonl', undefined, timeZone)) out.push(line);
    for await (const line of formatEvents(one(), 'csv', undefined, timeZone)) out.push(line);
    return out;
  };

  test("in Japan time, each row's time is the same instant with its +09:00 offset", async () => {
    const [jsonl, , csvRow] = await lines('JST');
    expect(JSON.parse(jsonl).time).toBe('2026-12-02T00:30:09.250+09:00');
    expect(Date.parse(JSON.parse(jsonl).time)).toBe(JUST_AFTER_MIDNIGHT_JST);
    expect(csvRow.startsWith('2026-12-02T00:30:09.250+09:00,grant.ended,')).toBe(true);
  });

  test('by default the time stays as recorded (UTC), for the admin API', async () => {
    const [jsonl] = await lines();
    expect(JSON.parse(jsonl).time).toBe('2026-12-01T15:30:09.250Z');
  });
});
