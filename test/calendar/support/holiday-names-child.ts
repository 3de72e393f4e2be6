// Run by national-holidays.test.ts in a child process whose TZ it sets (see demo-table-child.ts).
// argv[2]: JSON list of JST dates "YYYY-MM-DD". Prints the holiday name (or null) for each.
import holidayJp from '@holiday-jp/holiday_jp';
import { createNationalHolidays } from '../../../src/calendar/national-holidays.ts';
import { jstDayOf } from '../../../src/shared/jst.ts';

const dates = JSON.parse(process.argv[2]) as string[];
const holidays = createNationalHolidays();
const jstMidnight = (date: string): number => Date.parse(`${date}T00:00:00+09:00`);
process.stdout.write(
  JSON.stringify({
    names: dates.map((date) => holidays.nameOf(jstDayOf(jstMidnight(date))) ?? null),
    // The pitfall itself: the package handed the instant of JST midnight reads the host's local date.
    naive: dates.map((date) => holidayJp.isHoliday(new Date(jstMidnight(date)))),
  }),
);
