import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';

export const tableFormats = ['csv', 'xlsx'] as const;
export type TableFormat = (typeof tableFormats)[number];

export type Cell = string | number | boolean | Date | null | undefined;

export interface Column<R> {
  header: string;
  value: (row: R) => Cell;
}

export const contentTypes: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * A text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
 * written with a leading apostrophe: customer-typed names must not become formulas in an export.
 */
export function inertText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function plain(cell: Cell): string | number | boolean | Date | null {
  if (cell === undefined || cell === null) return null;
  return typeof cell === 'string' ? inertText(cell) : cell;
}

/**
 * Streams rows into `out` as CSV (UTF-8 with BOM, so spreadsheets read accents) or XLSX, one row at a
 * time: memory stays flat however many rows there are. Resolves with the number of rows written once
 * `out` has everything; `onRow` is called after each row (progress).
 */
export async function writeTable<R>(
  format: TableFormat,
  columns: readonly Column<R>[],
  rows: AsyncIterable<R> | Iterable<R>,
  out: Writable,
  onRow?: (count: number) => void | Promise<void>,
): Promise<number> {
  let count = 0;
  if (format === 'csv') {
    const csv = stringify({
      bom: true,
      cast: { date: (d) => d.toISOString(), boolean: (b) => (b ? 'true' : 'false') },
    });
    csv.pipe(out);
    const finished = once(out, 'finish');
    csv.write(columns.map((c) => c.header));
    for await (const row of rows) {
      if (!csv.write(columns.map((c) => plain(c.value(row))))) await once(csv, 'drain');
      count++;
      await onRow?.(count);
    }
    csv.end();
    await finished;
    return count;
  }
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = book.addWorksheet('Export');
  sheet.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 2) }));
  sheet.getRow(1).font = { bold: true };
  for await (const row of rows) {
    sheet.addRow(columns.map((c) => plain(c.value(row)))).commit();
    count++;
    await onRow?.(count);
  }
  await book.commit();
  return count;
}
