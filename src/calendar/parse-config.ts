import { Ajv, type ErrorObject } from 'ajv';
import {
  calendarConfigSchema,
  oneOffWindowSchema,
  type CalendarConfig,
  type OneOffWindow,
  type HoursKind,
  type TimeRange,
} from './config-schema.ts';
import { minutesOf } from '../shared/jst.ts';
import { fieldOf, recordsOf } from '../shared/unknown-json.ts';

/** A calendar configuration (or one-off window) that cannot be used; the message names the field. */
export class CalendarConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarConfigError';
  }
}

// verbose: a discriminator error then carries its schema, to list the kinds that exist.
const ajv = new Ajv({ discriminator: true, allErrors: false, verbose: true });
const validateConfig = ajv.compile<CalendarConfig>(calendarConfigSchema);
const validateWindow = ajv.compile<OneOffWindow>(oneOffWindowSchema);

/** Validates untrusted input (a parsed JSON file) and returns it typed; throws CalendarConfigError. */
export const parseCalendarConfig = (input: unknown): CalendarConfig => {
  if (!validateConfig(input)) throw new CalendarConfigError(describe('calendar', validateConfig.errors));
  const config = input;
  for (const [surface, hours] of Object.entries(config.hours)) {
    if (!hours) continue;
    // In the file's order: the first wrong range is the one reported.
    for (const kind of Object.keys(hours).filter(isHoursKind)) {
      hours[kind].forEach((range, i) => checkRange(range, `calendar/hours/${surface}/${kind}/${i}`));
    }
  }
  (config.maintenance ?? []).forEach((window, i) => {
    if (window.start === window.end) {
      throw new CalendarConfigError(`calendar/maintenance/${i}/end must differ from start (${window.start})`);
    }
  });
  (config.closedPeriods ?? []).forEach((period, i) => {
    checkMonthDay(period.from, `calendar/closedPeriods/${i}/from`);
    checkMonthDay(period.to, `calendar/closedPeriods/${i}/to`);
  });
  const ids = new Set<string>();
  (config.oneOffWindows ?? []).forEach((window, i) => {
    checkWindowTimes(window, `calendar/oneOffWindows/${i}`);
    if (ids.has(window.id))
      throw new CalendarConfigError(`calendar/oneOffWindows/${i}/id "${window.id}" is used twice`);
    ids.add(window.id);
  });
  return config;
};

/** Validates one operator-added window; `where` prefixes the field names in the message. */
export const parseOneOffWindow = (input: unknown, where = 'window'): OneOffWindow => {
  if (!validateWindow(input)) throw new CalendarConfigError(describe(where, validateWindow.errors));
  const window = input;
  checkWindowTimes(window, where);
  return window;
};

const HOURS_KINDS = ['weekdays', 'saturdays', 'sundaysAndHolidays'] as const satisfies readonly HoursKind[];
const isHoursKind = (key: string): key is HoursKind => HOURS_KINDS.some((kind) => kind === key);

const checkRange = (range: TimeRange, where: string): void => {
  if (minutesOf(range.from) >= minutesOf(range.to)) {
    throw new CalendarConfigError(`${where}: from ${range.from} must be before to ${range.to}`);
  }
};

// Leap day allowed: the period is matched by month and day, so 02-29 simply never occurs in some years.
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const checkMonthDay = (monthDay: string, where: string): void => {
  const [month, day] = monthDay.split('-').map(Number);
  if (day > DAYS_IN_MONTH[month - 1]) throw new CalendarConfigError(`${where} "${monthDay}" is not a day of the year`);
};

const checkWindowTimes = (window: OneOffWindow, where: string): void => {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  if (Number.isNaN(from)) throw new CalendarConfigError(`${where}/from "${window.from}" is not a valid date-time`);
  if (Number.isNaN(to)) throw new CalendarConfigError(`${where}/to "${window.to}" is not a valid date-time`);
  if (from >= to) throw new CalendarConfigError(`${where}/to must be after from`);
};

const describe = (root: string, errors: ErrorObject[] | null | undefined): string => {
  const error = errors?.[0];
  if (!error) return `${root} is invalid`;
  const params: Record<string, unknown> = error.params;
  if (error.keyword === 'discriminator') {
    const tag = String(params.tag);
    const branches = recordsOf(fieldOf(error.parentSchema, 'oneOf'));
    const known = branches.map((b) => JSON.stringify(fieldOf(fieldOf(b.properties, tag), 'const'))).join(', ');
    return `${root}${error.instancePath}/${tag} must be one of ${known}`;
  }
  const detail =
    'additionalProperty' in params
      ? ` '${String(params.additionalProperty)}'`
      : 'allowedValues' in params
        ? ` (${(Array.isArray(params.allowedValues) ? params.allowedValues : [])
            .map((v) => JSON.stringify(v))
            .join(', ')})`
        : '';
  return `${root}${error.instancePath} ${error.message}${detail}`;
};
