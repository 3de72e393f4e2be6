import { createServiceCalendar, type CalendarConfig } from '../../src/calendar/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { demoCalendar, jstMoment, loadDemoConfig } from './support/demo-calendar.ts';

const clock = new ManualClock(0);
const calendar = demoCalendar(clock);

describe('status()', () => {
  test('asks the clock when no moment is given', () => {
    clock.set(jstMoment('2026-12-01 06:59'));
    expect(calendar.status('authorization')).toEqual({
      open: false,
      reason: 'outside_hours',
      nextChange: jstMoment('2026-12-01 07:00'),
    });
    clock.advance(60_000);
    expect(calendar.status('authorization')).toEqual({ open: true, nextChange: jstMoment('2026-12-01 23:00') });
  });

  test('an open surface closes at the next closure, even across midnight', () => {
    expect(calendar.status('data_api', jstMoment('2026-12-01 10:00'))).toEqual({
      open: true,
      nextChange: jstMoment('2026-12-02 03:00'),
    });
    expect(calendar.status('data_api', jstMoment('2026-12-13 16:00'))).toEqual({
      open: true,
      nextChange: jstMoment('2026-12-13 22:00'),
    });
  });

  test('the boundaries themselves: closed from the start of a window, open from its end', () => {
    expect(calendar.status('data_api', jstMoment('2026-12-01 03:00')).open).toBe(false);
    expect(calendar.status('data_api', jstMoment('2026-12-01 03:15')).open).toBe(true);
    expect(calendar.status('authorization', jstMoment('2026-12-01 23:00')).open).toBe(false);
  });

  test('the Sunday-night window runs only on the 2nd and 4th Sunday', () => {
    expect(calendar.status('data_api', jstMoment('2026-12-20 22:30')).open).toBe(true); // 3rd Sunday
    expect(calendar.status('data_api', jstMoment('2026-12-06 22:30')).open).toBe(true); // 1st Sunday
    expect(calendar.status('data_api', jstMoment('2027-01-10 22:30'))).toMatchObject({
      open: false,
      reason: 'maintenance',
    }); // 2nd Sunday
  });

  test('says why: closed period before maintenance, Sunday and holiday hours apart from the rest', () => {
    expect(calendar.status('authorization', jstMoment('2026-12-31 03:05')).reason).toBe('closed_period');
    expect(calendar.status('data_api', jstMoment('2026-12-31 03:05')).reason).toBe('maintenance');
    expect(calendar.status('authorization', jstMoment('2026-12-27 21:59')).reason).toBe('holiday_hours');
    expect(calendar.status('authorization', jstMoment('2027-01-11 08:00')).reason).toBe('holiday_hours');
    expect(calendar.status('authorization', jstMoment('2026-12-05 06:00'))).toEqual({
      open: false,
      reason: 'outside_hours',
      nextChange: jstMoment('2026-12-05 07:00'),
    });
  });

  test('my page keeps the authorization hours and the year-end closure', () => {
    expect(calendar.status('my_page', jstMoment('2027-01-02 12:00'))).toEqual({
      open: false,
      reason: 'closed_period',
      nextChange: jstMoment('2027-01-04 07:00'),
    });
  });

  test('a surface that never changes has no next change', () => {
    expect(calendar.status('token_refresh', jstMoment('2026-12-31 03:05'))).toEqual({ open: true });

    const never: CalendarConfig = {
      ...loadDemoConfig(),
      hours: { ...loadDemoConfig().hours, data_api: { weekdays: [], saturdays: [], sundaysAndHolidays: [] } },
    };
    const closed = createServiceCalendar(never, { clock });
    expect(closed.status('data_api', jstMoment('2026-12-01 10:00'))).toEqual({ open: false, reason: 'outside_hours' });
  });

  test('a change more than 400 days away is not reported', () => {
    const long = demoCalendar(clock);
    long.addOneOffWindow({
      id: 'long',
      surfaces: ['data_api'],
      from: '2026-01-01T00:00:00+09:00',
      to: '2028-01-01T00:00:00+09:00',
      reason: 'x',
    });
    expect(long.status('data_api', jstMoment('2026-06-01 12:00'))).toEqual({ open: false, reason: 'one_off' });
    expect(long.status('data_api', jstMoment('2027-06-01 12:00'))).toEqual({
      open: false,
      reason: 'one_off',
      nextChange: jstMoment('2028-01-01 00:00'),
    });
  }, 30_000);
});
