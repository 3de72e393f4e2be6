import { CalendarConfigError, createServiceCalendar, type OneOffWindow } from '../../src/calendar/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { demoCalendar, jstMoment, loadDemoConfig } from './support/demo-calendar.ts';

const dataApiNight: OneOffWindow = {
  id: 'core-upgrade',
  surfaces: ['data_api'],
  from: '2026-12-05T01:00:00+09:00',
  to: '2026-12-05T02:00:00+09:00',
  reason: '勘定系システム更改のため',
};

describe('one-off windows', () => {
  test('close the surfaces they name, from start to end', () => {
    const calendar = demoCalendar(new ManualClock(0));
    calendar.addOneOffWindow(dataApiNight);

    expect(calendar.status('data_api', jstMoment('2026-12-05 00:30'))).toEqual({
      open: true,
      nextChange: jstMoment('2026-12-05 01:00'),
    });
    expect(calendar.status('data_api', jstMoment('2026-12-05 01:30'))).toEqual({
      open: false,
      reason: 'one_off',
      nextChange: jstMoment('2026-12-05 02:00'),
    });
    expect(calendar.status('token_refresh', jstMoment('2026-12-05 01:30'))).toEqual({ open: true });
  });

  test('the reopening time skips a maintenance window that follows without a gap', () => {
    const calendar = demoCalendar(new ManualClock(0));
    calendar.addOneOffWindow({ ...dataApiNight, from: '2026-12-05T02:00:00+09:00', to: '2026-12-05T03:05:00+09:00' });
    expect(calendar.status('data_api', jstMoment('2026-12-05 02:30'))).toEqual({
      open: false,
      reason: 'one_off',
      nextChange: jstMoment('2026-12-05 03:15'),
    });
  });

  test('a window over several days reopens at the first opening hour after it', () => {
    const calendar = demoCalendar(new ManualClock(0));
    // Ends on Monday at 05:00 UTC = 14:00 JST (Monday hours are 07:00–23:00): open at once.
    calendar.addOneOffWindow({
      id: 'move',
      surfaces: ['authorization'],
      from: '2026-12-05T20:00:00+09:00',
      to: '2026-12-07T05:00:00Z',
      reason: 'x',
    });
    expect(calendar.status('authorization', jstMoment('2026-12-06 12:00'))).toEqual({
      open: false,
      reason: 'one_off',
      nextChange: jstMoment('2026-12-07 14:00'),
    });
    // Ends at 05:00 JST, before the 07:00 opening.
    calendar.loadOneOffWindows([
      {
        id: 'move',
        surfaces: ['authorization'],
        from: '2026-12-05T20:00:00+09:00',
        to: '2026-12-07T05:00:00+09:00',
        reason: 'x',
      },
    ]);
    expect(calendar.status('authorization', jstMoment('2026-12-06 12:00'))).toEqual({
      open: false,
      reason: 'one_off',
      nextChange: jstMoment('2026-12-07 07:00'),
    });
  });

  test('removing a window opens the surface again', () => {
    const calendar = demoCalendar(new ManualClock(0));
    calendar.addOneOffWindow(dataApiNight);
    expect(calendar.status('data_api', jstMoment('2026-12-05 01:30')).open).toBe(false);

    expect(calendar.removeOneOffWindow('core-upgrade')).toBe(true);
    expect(calendar.removeOneOffWindow('core-upgrade')).toBe(false);
    expect(calendar.status('data_api', jstMoment('2026-12-05 01:30'))).toEqual({
      open: true,
      nextChange: jstMoment('2026-12-05 03:00'),
    });
    expect(calendar.oneOffWindows()).toEqual([]);
  });

  test('are listed by start time, as copies the caller cannot change them through', () => {
    const calendar = demoCalendar(new ManualClock(0));
    const later = { ...dataApiNight, id: 'later', from: '2027-02-01T01:00:00+09:00', to: '2027-02-01T02:00:00+09:00' };
    calendar.addOneOffWindow(later);
    calendar.addOneOffWindow(dataApiNight);

    const listed = calendar.oneOffWindows();
    expect(listed.map((w) => w.id)).toEqual(['core-upgrade', 'later']);
    listed[0].surfaces.push('authorization');
    expect(calendar.status('authorization', jstMoment('2026-12-05 10:00')).open).toBe(true);
    expect(calendar.oneOffWindows()[0]).toEqual(dataApiNight);
  });

  test('appear in the schedule with their id and reason', () => {
    const calendar = demoCalendar(new ManualClock(0));
    calendar.addOneOffWindow(dataApiNight);
    const { closures } = calendar.schedule(jstMoment('2026-12-05 00:00'), 1);
    expect(closures.filter((c) => c.kind === 'one_off')).toEqual([
      {
        kind: 'one_off',
        id: 'core-upgrade',
        reason: '勘定系システム更改のため',
        surfaces: ['data_api'],
        from: '2026-12-05T01:00:00+09:00',
        to: '2026-12-05T02:00:00+09:00',
      },
    ]);
  });

  test('are refused when invalid or when the id is taken, naming the field', () => {
    const calendar = demoCalendar(new ManualClock(0));
    calendar.addOneOffWindow(dataApiNight);
    expect(() => calendar.addOneOffWindow(dataApiNight)).toThrow(
      new CalendarConfigError('window/id "core-upgrade" already exists'),
    );
    expect(() => calendar.addOneOffWindow({ ...dataApiNight, id: 'b', surfaces: ['atm' as never] })).toThrow(
      /^window\/surfaces\/0 must be equal to one of the allowed values/,
    );
    expect(() => calendar.addOneOffWindow({ ...dataApiNight, id: 'c', to: dataApiNight.from })).toThrow(
      'window/to must be after from',
    );
  });

  test('loading a list replaces all of them, and a bad list changes nothing', () => {
    const calendar = demoCalendar(new ManualClock(0));
    calendar.addOneOffWindow(dataApiNight);
    const other = { ...dataApiNight, id: 'other', from: '2026-12-06T01:00:00+09:00', to: '2026-12-06T02:00:00+09:00' };

    expect(() => calendar.loadOneOffWindows([other, { ...other }])).toThrow('oneOffWindows/1/id "other" is used twice');
    expect(calendar.oneOffWindows()).toEqual([dataApiNight]);

    calendar.loadOneOffWindows([other]);
    expect(calendar.oneOffWindows()).toEqual([other]);
    expect(calendar.status('data_api', jstMoment('2026-12-05 01:30')).open).toBe(true);
    expect(calendar.status('data_api', jstMoment('2026-12-06 01:30')).open).toBe(false);
  });

  test('can come with the config', () => {
    const calendar = createServiceCalendar(
      { ...loadDemoConfig(), oneOffWindows: [dataApiNight] },
      { clock: new ManualClock(jstMoment('2026-12-05 01:30')) },
    );
    expect(calendar.status('data_api')).toMatchObject({ open: false, reason: 'one_off' });
  });
});
