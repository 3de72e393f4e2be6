import { ManualClock } from '../../src/shared/clock.ts';
import { demoCalendar, jstMoment, summarize } from './support/demo-calendar.ts';
import { runInTimeZone } from './support/run-in-time-zone.ts';

// The answers the demo calendar must give, with the reopening times written out in full (JST).
// moment (JST)                     API連携認証                              data API
const table: [string, string, string][] = [
  ['2026-12-01 (Tue) 10:00', 'open', 'open'],
  ['2026-12-01 (Tue) 06:59', 'closed, opens 2026-12-01 07:00', 'open'],
  ['2026-12-01 (Tue) 03:05', 'closed, opens 2026-12-01 07:00', 'closed, opens 2026-12-01 03:15'],
  ['2026-12-13 (2nd Sun) 16:00', 'open', 'open'],
  ['2026-12-13 (2nd Sun) 22:30', 'closed, opens 2026-12-14 07:00', 'closed, opens 2026-12-14 06:00'],
  ['2026-12-27 (4th Sun) 21:59', 'closed, opens 2026-12-28 07:00', 'open'],
  ['2026-12-31 (Thu) 12:00', 'closed, opens 2027-01-04 07:00', 'open'],
  ['2027-01-11 (成人の日) 08:00', 'closed, opens 2027-01-11 09:00', 'open'],
  ['2026-11-23 (勤労感謝の日) 17:30', 'closed, opens 2026-11-24 07:00', 'open'],
  ['2026-09-22 (国民の休日) 08:30', 'closed, opens 2026-09-22 09:00', 'open'],
  ['2026-05-06 (振替休日) 12:00', 'open', 'open'],
];

describe('demo calendar (config/calendar.json) in this jest process', () => {
  const clock = new ManualClock(0);
  const calendar = demoCalendar(clock);

  test.each(table)('%s: authorization %s, data API %s', (moment, authorization, dataApi) => {
    clock.set(jstMoment(moment));
    expect(summarize(calendar.status('authorization'))).toBe(authorization);
    expect(summarize(calendar.status('data_api'))).toBe(dataApi);
  });
});

// Setting process.env.TZ inside a test has no effect on Date here (jest hands the test a copy of
// process.env; checked on Node 24 / jest 30), so each host time zone gets its own Node process.
describe.each([
  ['UTC', 0],
  ['America/Los_Angeles', 480],
])('demo calendar with the host time zone %s', (timeZone, offsetMinutes) => {
  let result: { timeZoneOffsetMinutes: number; rows: [string, string, string][] };
  beforeAll(() => {
    result = runInTimeZone(
      new URL('./support/demo-table-child.ts', import.meta.url),
      timeZone,
      table.map(([moment]) => moment),
    );
  });

  test('the child process really ran in that time zone', () => {
    expect(result.timeZoneOffsetMinutes).toBe(offsetMinutes);
  });

  test.each(table.map((row, i) => [i, ...row] as const))(
    'row %i: %s: authorization %s, data API %s',
    (i, moment, authorization, dataApi) => {
      expect(result.rows[i]).toEqual([moment, authorization, dataApi]);
    },
  );
});
