import { SURFACES, type Surface } from './surfaces.ts';

/*
 * The calendar's configuration: one JSON Schema, and beside it the TypeScript type it describes.
 * Checks a schema cannot express (a range that ends before it starts) are in ./parse-config.ts.
 */

export interface TimeRange {
  /** "HH:MM", JST */
  from: string;
  /** "HH:MM" or "24:00", JST, after `from` */
  to: string;
}

/** Opening hours by kind of day; an empty list closes the surface all day. */
export interface SurfaceHours {
  weekdays: TimeRange[];
  saturdays: TimeRange[];
  sundaysAndHolidays: TimeRange[];
}

export type HoursKind = keyof SurfaceHours;

export type Recurrence =
  | { type: 'daily' }
  /** weekday: 0 = Sunday … 6 = Saturday; nth: which of them in the month (1–5) */
  | { type: 'monthly-nth-weekday'; weekday: number; nth: number[] };

export interface MaintenanceWindow {
  surfaces: Surface[];
  recurrence: Recurrence;
  /** "HH:MM", JST, on the day the recurrence names */
  start: string;
  /** "HH:MM" or "24:00"; at or before `start` means the next day */
  end: string;
}

/** Whole days, both ends included, every year; `from` after `to` wraps over the new year. */
export interface ClosedPeriod {
  surfaces: Surface[];
  /** "MM-DD" */
  from: string;
  /** "MM-DD" */
  to: string;
}

export interface OneOffWindow {
  id: string;
  surfaces: Surface[];
  /** ISO 8601 date-time with an offset, e.g. "2026-12-05T01:00:00+09:00" */
  from: string;
  /** ISO 8601 date-time with an offset, after `from` */
  to: string;
  /** Why, in words an operator chose. */
  reason: string;
}

export interface CalendarConfig {
  /** token_refresh may be left out: it is then open around the clock. */
  hours: Record<Exclude<Surface, 'token_refresh'>, SurfaceHours> & { token_refresh?: SurfaceHours };
  maintenance?: MaintenanceWindow[];
  closedPeriods?: ClosedPeriod[];
  oneOffWindows?: OneOffWindow[];
}

const HH_MM = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const HH_MM_OR_24 = '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$';
const MM_DD = '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
const DATE_TIME_WITH_OFFSET =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:[0-9]{2})$';

const surfaceList = { type: 'array', items: { enum: SURFACES }, minItems: 1, uniqueItems: true } as const;

const timeRange = {
  type: 'object',
  required: ['from', 'to'],
  additionalProperties: false,
  properties: { from: { type: 'string', pattern: HH_MM }, to: { type: 'string', pattern: HH_MM_OR_24 } },
} as const;

const surfaceHours = {
  type: 'object',
  required: ['weekdays', 'saturdays', 'sundaysAndHolidays'],
  additionalProperties: false,
  properties: {
    weekdays: { type: 'array', items: timeRange },
    saturdays: { type: 'array', items: timeRange },
    sundaysAndHolidays: { type: 'array', items: timeRange },
  },
} as const;

export const oneOffWindowSchema = {
  type: 'object',
  required: ['id', 'surfaces', 'from', 'to', 'reason'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100 },
    surfaces: surfaceList,
    from: { type: 'string', pattern: DATE_TIME_WITH_OFFSET },
    to: { type: 'string', pattern: DATE_TIME_WITH_OFFSET },
    reason: { type: 'string', minLength: 1, maxLength: 500 },
  },
} as const;

export const calendarConfigSchema = {
  $id: 'https://kushiro-api-renkei.example/schemas/calendar.json',
  type: 'object',
  required: ['hours'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    $comment: { type: 'string' },
    hours: {
      type: 'object',
      required: ['authorization', 'data_api', 'my_page'],
      additionalProperties: false,
      properties: {
        authorization: surfaceHours,
        data_api: surfaceHours,
        token_refresh: surfaceHours,
        my_page: surfaceHours,
      },
    },
    maintenance: {
      type: 'array',
      items: {
        type: 'object',
        required: ['surfaces', 'recurrence', 'start', 'end'],
        additionalProperties: false,
        properties: {
          surfaces: surfaceList,
          recurrence: {
            type: 'object',
            required: ['type'],
            discriminator: { propertyName: 'type' },
            oneOf: [
              {
                properties: { type: { const: 'daily' } },
                additionalProperties: false,
              },
              {
                required: ['weekday', 'nth'],
                additionalProperties: false,
                properties: {
                  type: { const: 'monthly-nth-weekday' },
                  weekday: { type: 'integer', minimum: 0, maximum: 6 },
                  nth: {
                    type: 'array',
                    items: { type: 'integer', minimum: 1, maximum: 5 },
                    minItems: 1,
                    uniqueItems: true,
                  },
                },
              },
            ],
          },
          start: { type: 'string', pattern: HH_MM },
          end: { type: 'string', pattern: HH_MM_OR_24 },
        },
      },
    },
    closedPeriods: {
      type: 'array',
      items: {
        type: 'object',
        required: ['surfaces', 'from', 'to'],
        additionalProperties: false,
        properties: {
          surfaces: surfaceList,
          from: { type: 'string', pattern: MM_DD },
          to: { type: 'string', pattern: MM_DD },
        },
      },
    },
    oneOffWindows: { type: 'array', items: oneOffWindowSchema },
  },
} as const;
