import { ManualClock } from '../../src/shared/clock.ts';
import { demoCalendar, jstMoment } from './support/demo-calendar.ts';

const calendar = demoCalendar(new ManualClock(0));
const maintained = ['authorization', 'data_api', 'my_page'];
const dec = (day: number, time: string): string => `2026-12-${String(day).padStart(2, '0')}T${time}:00+09:00`;

describe('schedule()', () => {
  test('lists the maintenance windows of the 30 days from 2026-12-01: daily 03:00–03:15 and the 2nd and 4th Sunday nights', () => {
    const schedule = calendar.schedule(jstMoment('2026-12-01 09:30'), 30);

    const daily = Array.from({ length: 30 }, (_, i) => ({ from: dec(i + 1, '03:00'), to: dec(i + 1, '03:15') }));
    const sundayNights = [
      { from: dec(13, '22:00'), to: dec(14, '06:00') },
      { from: dec(27, '22:00'), to: dec(28, '06:00') },
    ];
    const expected = [...daily, ...sundayNights]
      .sort((a, b) => a.from.localeCompare(b.from))
      .map((w) => ({ kind: 'maintenance', surfaces: maintained, ...w }));

    expect(schedule.from).toBe('2026-12-01T00:00:00+09:00');
    expect(schedule.to).toBe('2026-12-31T00:00:00+09:00');
    expect(schedule.closures).toEqual(expected);
  });

  test('a closed period is listed whole, even where it runs past the range', () => {
    const { closures } = calendar.schedule(jstMoment('2026-12-01 00:00'), 31);
    expect(closures.filter((c) => c.kind === 'closed_period')).toEqual([
      {
        kind: 'closed_period',
        surfaces: ['authorization', 'my_page'],
        from: '2026-12-31T00:00:00+09:00',
        to: '2027-01-04T00:00:00+09:00',
      },
    ]);
  });

  test('gives each JST day its kind and, per surface, the regular hours and what is really open', () => {
    const { days } = calendar.schedule(jstMoment('2026-12-13 12:00'), 2);
    expect(days.map((d) => [d.date, d.kind])).toEqual([
      ['2026-12-13', 'sunday'],
      ['2026-12-14', 'weekday'],
    ]);

    expect(days[0].surfaces.authorization).toEqual({
      hours: [{ from: dec(13, '09:00'), to: dec(13, '17:00') }],
      open: [{ from: dec(13, '09:00'), to: dec(13, '17:00') }],
    });
    expect(days[0].surfaces.data_api.open).toEqual([
      { from: dec(13, '00:00'), to: dec(13, '03:00') },
      { from: dec(13, '03:15'), to: dec(13, '22:00') },
    ]);
    expect(days[1].surfaces.data_api).toEqual({
      hours: [{ from: dec(14, '00:00'), to: dec(15, '00:00') }],
      open: [{ from: dec(14, '06:00'), to: dec(15, '00:00') }],
    });
    expect(days[1].surfaces.token_refresh.open).toEqual([{ from: dec(14, '00:00'), to: dec(15, '00:00') }]);
  });

  test('names national holidays and shows closed-period days with nothing open', () => {
    const holiday = calendar.schedule(jstMoment('2027-01-11 00:00'), 1).days[0];
    expect(holiday).toMatchObject({ date: '2027-01-11', kind: 'holiday', holidayName: '成人の日' });
    expect(holiday.surfaces.authorization.hours).toEqual([
      { from: '2027-01-11T09:00:00+09:00', to: '2027-01-11T17:00:00+09:00' },
    ]);

    const newYear = calendar.schedule(jstMoment('2027-01-01 00:00'), 1).days[0];
    expect(newYear.surfaces.authorization.open).toEqual([]);
    expect(newYear.surfaces.my_page.open).toEqual([]);
    expect(newYear.surfaces.data_api.open.length).toBe(2);
  });

  test('is plain JSON', () => {
    const schedule = calendar.schedule(jstMoment('2026-12-01 00:00'), 30);
    expect(JSON.parse(JSON.stringify(schedule))).toEqual(schedule);
  });

  test('refuses a range that is not a whole number of days from 1 to 400', () => {
    expect(() => calendar.schedule(0, 0)).toThrow(RangeError);
    expect(() => calendar.schedule(0, 401)).toThrow(RangeError);
    expect(() => calendar.schedule(0, 1.5)).toThrow(RangeError);
  });
});
