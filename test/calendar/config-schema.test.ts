import {
  CalendarConfigError,
  createServiceCalendar,
  parseCalendarConfig,
  type CalendarConfig,
} from '../../src/calendar/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { loadDemoConfig } from './support/demo-calendar.ts';

/** The demo config with one change made by `edit`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach anywhere into the parsed JSON
const demoWith = (edit: (config: any) => void): unknown => {
  const config = structuredClone(loadDemoConfig());
  edit(config);
  return config;
};

const rejection = (input: unknown): string => {
  try {
    parseCalendarConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(CalendarConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
};

describe('calendar config validation', () => {
  test('the shipped demo config is valid', () => {
    expect(() => loadDemoConfig()).not.toThrow();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach anywhere into the parsed JSON
  test.each<[string, (config: any) => void, RegExp]>([
    [
      'a malformed time',
      (c) => {
        c.hours.authorization.weekdays[0].from = '7:00';
      },
      /^calendar\/hours\/authorization\/weekdays\/0\/from must match pattern/,
    ],
    [
      '24:00 as an opening time',
      (c) => {
        c.hours.data_api.saturdays[0].from = '24:00';
      },
      /^calendar\/hours\/data_api\/saturdays\/0\/from must match pattern/,
    ],
    [
      'hours that end before they start',
      (c) => {
        c.hours.my_page.sundaysAndHolidays[0] = { from: '17:00', to: '09:00' };
      },
      /^calendar\/hours\/my_page\/sundaysAndHolidays\/0: from 17:00 must be before to 09:00$/,
    ],
    [
      'a missing surface',
      (c) => {
        delete c.hours.authorization;
      },
      /^calendar\/hours must have required property 'authorization'$/,
    ],
    [
      'an unknown surface',
      (c) => {
        c.hours.teller = c.hours.data_api;
      },
      /^calendar\/hours must NOT have additional properties 'teller'$/,
    ],
    [
      'a misspelt day kind',
      (c) => {
        c.hours.authorization.sundays = [];
      },
      /^calendar\/hours\/authorization must NOT have additional properties 'sundays'$/,
    ],
    [
      'an unknown surface in a maintenance window',
      (c) => {
        c.maintenance[0].surfaces = ['atm'];
      },
      /^calendar\/maintenance\/0\/surfaces\/0 must be equal to one of the allowed values \("authorization", "data_api", "token_refresh", "my_page"\)$/,
    ],
    [
      'an unknown recurrence',
      (c) => {
        c.maintenance[0].recurrence = { type: 'weekly' };
      },
      /^calendar\/maintenance\/0\/recurrence\/type must be one of "daily", "monthly-nth-weekday"$/,
    ],
    [
      'a weekday out of range',
      (c) => {
        c.maintenance[1].recurrence.weekday = 7;
      },
      /^calendar\/maintenance\/1\/recurrence\/weekday must be <= 6$/,
    ],
    [
      'nth beyond the fifth',
      (c) => {
        c.maintenance[1].recurrence.nth = [2, 6];
      },
      /^calendar\/maintenance\/1\/recurrence\/nth\/1 must be <= 5$/,
    ],
    [
      'a maintenance window of no length',
      (c) => {
        c.maintenance[0].end = '03:00';
      },
      /^calendar\/maintenance\/0\/end must differ from start \(03:00\)$/,
    ],
    [
      'a closed period on a day that does not exist',
      (c) => {
        c.closedPeriods[0].to = '02-30';
      },
      /^calendar\/closedPeriods\/0\/to "02-30" is not a day of the year$/,
    ],
    [
      'a closed period in the wrong notation',
      (c) => {
        c.closedPeriods[0].from = '12/31';
      },
      /^calendar\/closedPeriods\/0\/from must match pattern/,
    ],
    [
      'a one-off window without an offset',
      (c) => {
        c.oneOffWindows = [
          {
            id: 'a',
            surfaces: ['data_api'],
            from: '2026-12-05T01:00:00',
            to: '2026-12-05T02:00:00+09:00',
            reason: 'x',
          },
        ];
      },
      /^calendar\/oneOffWindows\/0\/from must match pattern/,
    ],
    [
      'a one-off window that ends before it starts',
      (c) => {
        c.oneOffWindows = [
          {
            id: 'a',
            surfaces: ['data_api'],
            from: '2026-12-05T02:00:00+09:00',
            to: '2026-12-05T01:00:00+09:00',
            reason: 'x',
          },
        ];
      },
      /^calendar\/oneOffWindows\/0\/to must be after from$/,
    ],
  ])('rejects %s, naming the field', (_, edit, message) => {
    expect(rejection(demoWith(edit))).toMatch(message);
  });

  test('token_refresh may be left out, and is then open around the clock', () => {
    const config = demoWith((c) => {
      delete c.hours.token_refresh;
    }) as CalendarConfig;
    const calendar = createServiceCalendar(config, { clock: new ManualClock(Date.parse('2026-12-31T03:05:00+09:00')) });
    expect(calendar.status('token_refresh')).toEqual({ open: true });
  });

  test('createServiceCalendar refuses an invalid config too', () => {
    const config = demoWith((c) => {
      c.hours.authorization.weekdays[0].to = '25:00';
    }) as CalendarConfig;
    expect(() => createServiceCalendar(config, { clock: new ManualClock(0) })).toThrow(
      /calendar\/hours\/authorization\/weekdays\/0\/to/,
    );
  });
});
