// Run by demo-calendar.test.ts in a child process whose TZ it sets: jest's sandbox gives each test
// file its own copy of process.env, so changing TZ inside a test does not reach Date.
// argv[2]: JSON list of moments in the notation. Prints JSON to stdout.
import { ManualClock } from '../../../src/shared/clock.ts';
import { demoCalendar, jstMoment, summarize } from './demo-calendar.ts';

const moments = JSON.parse(process.argv[2]) as string[];
const clock = new ManualClock(0);
const calendar = demoCalendar(clock);
const rows = moments.map((moment) => {
  clock.set(jstMoment(moment));
  return [moment, summarize(calendar.status('authorization')), summarize(calendar.status('data_api'))];
});
process.stdout.write(
  JSON.stringify({
    timeZoneOffsetMinutes: new Date(jstMoment(moments[0])).getTimezoneOffset(),
    rows,
  }),
);
