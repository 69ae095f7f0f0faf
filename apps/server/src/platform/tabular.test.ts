import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type Column, writeTable } from './tabular.ts';

interface Row {
  name: string;
  n: number;
  at: Date;
}
const columns: Column<Row>[] = [
  { header: 'Name', value: (r) => r.name },
  { header: 'Count', value: (r) => r.n },
  { header: 'At', value: (r) => r.at },
];
const rows: Row[] = [
  { name: 'Zoë, "the" one', n: 1, at: new Date('2026-01-02T03:04:05.000Z') },
  { name: '=HYPERLINK("x")', n: 2, at: new Date('2026-01-03T00:00:00.000Z') },
];

async function collect(format: 'csv' | 'xlsx'): Promise<{ buffer: Buffer; count: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const count = await writeTable(format, columns, rows, out);
  return { buffer: Buffer.concat(chunks), count };
}

describe('writeTable', () => {
  it('writes CSV with a BOM, quoting, ISO dates and formulas made inert', async () => {
    const { buffer, count } = await collect('csv');
    expect(count).toBe(2);
    expect(buffer.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(buffer.toString('utf8').slice(1).split('\n')).toEqual([
      'Name,Count,At',
      '"Zoë, ""the"" one",1,2026-01-02T03:04:05.000Z',
      `"'=HYPERLINK(""x"")",2,2026-01-03T00:00:00.000Z`,
      '',
    ]);
  });

  it('writes an XLSX a spreadsheet library reads back', async () => {
    const { buffer, count } = await collect('xlsx');
    expect(count).toBe(2);
    const book = new ExcelJS.Workbook();
    await book.xlsx.read(Readable.from([buffer]));
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(1).values).toEqual([undefined, 'Name', 'Count', 'At']);
    expect(sheet?.getRow(2).getCell(1).value).toBe('Zoë, "the" one');
    expect(sheet?.getRow(3).getCell(1).value).toBe(`'=HYPERLINK("x")`);
    expect(sheet?.getRow(2).getCell(3).value).toEqual(new Date('2026-01-02T03:04:05.000Z'));
  });
});
