import type { AuditExportFormat, RecordedAuditEvent } from './audit-log.ts';
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
): AsyncGenerator<string> {
  if (format === 'csv') yield `\uFEFF${shape.columns.join(',')}\r\n`;
  for await (const event of events) {
    if (format === 'jsonl') {
      yield jsonLine(shape, event);
    } else {
      const row = shape.row(event);
      yield `${shape.columns.map((c) => csvCell(row[c])).join(',')}\r\n`;
    }
  }
}
