import { formatJstMillis } from '../shared/jst.ts';
import type { AuditExportFormat, AuditExportTimeZone, RecordedAuditEvent } from './audit-log.ts';
import { grantIdOf } from './event-filter.ts';

/** Which fields an export has, and how one event becomes one row. */
export interface ExportShape {
  columns: readonly string[];
  row(event: RecordedAuditEvent): Record<string, unknown>;
}

/** Everything the trail holds, for the bank's own staff and auditors. */
export const fullShape: ExportShape = {
  columns: [
    'time',
    'kind',
    'result',
    'actor',
    'partnerId',
    'customerId',
    'accountIds',
    'requestId',
    'grantId',
    'details',
    'id',
    'instance',
    'chain',
    'seq',
  ],
  row: (event) => ({ ...event, grantId: grantIdOf(event) }),
};

/**
 * A cell of RFC 4180 CSV. Text that a spreadsheet would run as a formula (= + - @ and control
 * characters first) gets a leading apostrophe: exports are opened in Excel.
 */
export const csvCell = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  let text = Array.isArray(value) ? value.join(' ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The shape with each row's time as the same instant in Japan time ("2026-12-02T13:43:09.123+09:00"). */
const inJapanTime = (shape: ExportShape): ExportShape => ({
  columns: shape.columns,
  row: (event) => {
    const row = shape.row(event);
    const ms = Date.parse(event.time);
    return Number.isFinite(ms) ? { ...row, time: formatJstMillis(ms) } : row;
  },
});

const jsonLine = (shape: ExportShape, event: RecordedAuditEvent) => {
  const row = shape.row(event);
  const ordered: Record<string, unknown> = {};
  for (const column of shape.columns) if (row[column] !== undefined) ordered[column] = row[column];
  return `${JSON.stringify(ordered)}\n`;
};

/**
 * Lines of JSON Lines, or of CSV with a header (and a UTF-8 byte order mark, so that Excel reads
 * Japanese text right), each ending in "\n".
 */
export async function* formatEvents(
  events: AsyncIterable<RecordedAuditEvent>,
  format: AuditExportFormat,
  shape: ExportShape = fullShape,
  timeZone: AuditExportTimeZone = 'UTC',
): AsyncGenerator<string> {
  const timed = timeZone === 'JST' ? inJapanTime(shape) : shape;
  if (format === 'csv') yield `\uFEFF${timed.columns.join(',')}\r\n`;
  for await (const event of events) {
    if (format === 'jsonl') {
      yield jsonLine(timed, event);
    } else {
      const row = timed.row(event);
      yield `${timed.columns.map((c) => csvCell(row[c])).join(',')}\r\n`;
    }
  }
}
