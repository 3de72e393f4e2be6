import { readFileSync } from 'node:fs';
import {
  createServiceCalendar,
  formatJst,
  parseCalendarConfig,
  type ServiceCalendar,
  type SurfaceStatus,
} from '../../../src/calendar/index.ts';
import type { Clock } from '../../../src/shared/clock.ts';

/** The shipped demo calendar, read from the file the server reads. */
export const loadDemoConfig = () =>
  parseCalendarConfig(JSON.parse(readFileSync(new URL('../../../config/calendar.json', import.meta.url), 'utf8')));

export const demoCalendar = (clock: Clock): ServiceCalendar => createServiceCalendar(loadDemoConfig(), { clock });

/** "2026-12-01 (Tue) 10:00" (the notation, JST) to ms epoch. */
export const jstMoment = (text: string): number => {
  const match = /^(\d{4}-\d{2}-\d{2})(?: \([^)]*\))? (\d{2}:\d{2})$/.exec(text);
  if (!match) throw new Error(`not a moment: ${text}`);
  return Date.parse(`${match[1]}T${match[2]}:00+09:00`);
};

/** "open", or "closed, opens 2026-12-01 07:00" (JST). */
export const summarize = (status: SurfaceStatus): string => {
  if (status.open) return 'open';
  if (status.nextChange === undefined) return 'closed';
  return `closed, opens ${formatJst(status.nextChange).slice(0, 16).replace('T', ' ')}`;
};
