import { runInTimeZone } from './support/run-in-time-zone.ts';

const child = new URL('./support/holiday-names-child.ts', import.meta.url);

// JST date → the name @holiday-jp/holiday_jp gives it (null: an ordinary day).
const expected: [string, string | null][] = [
  ['2026-05-06', 'こどもの日 振替休日'], // 振替休日 (05-03 was a Sunday)
  ['2026-05-07', null],
  ['2026-09-21', '敬老の日'],
  ['2026-09-22', '休日'], // 国民の休日, between two holidays
  ['2026-09-23', '秋分の日'],
  ['2026-09-24', null],
  ['2026-11-23', '勤労感謝の日'],
  ['2026-12-31', null], // a bank holiday, but no national one: closedPeriods cover it
  ['2027-01-11', '成人の日'],
  ['2027-01-12', null],
];

// Fresh processes: jest's copy of process.env means TZ cannot be changed inside a test.
describe.each(['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Pacific/Kiritimati'])(
  'national holidays with the host time zone %s',
  (timeZone) => {
    test("each JST date gets its own holiday, not a neighbour's", () => {
      const { names } = runInTimeZone<{ names: (string | null)[] }>(
        child,
        timeZone,
        expected.map(([date]) => date),
      );
      expect(expected.map(([date], i) => [date, names[i]])).toEqual(expected);
    });
  },
);

test('the package misreads a JST instant west of Japan (why the calendar builds a local Date)', () => {
  const { naive } = runInTimeZone<{ naive: boolean[] }>(child, 'America/Los_Angeles', ['2026-05-07', '2026-09-24']);
  // JST midnight of 05-07 is 05-06 in Los Angeles, and of 09-24 is 09-23: both holidays there.
  expect(naive).toEqual([true, true]);
});
