import Papa from 'papaparse';
import { DomainError, type FieldError } from './errors';
import { classifyCsvColumn, invoiceCsvCells, invoiceCsvHeader, type CsvInvoice } from './csvColumns';

/**
 * RFC 4180 CSV (quotes, doubled quotes, newlines in quotes, a BOM) to rows of cells; blank lines
 * dropped. Line ends are made LF first: files edited on two systems mix CRLF and LF.
 */
export function parseCsv(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), { newline: '\n', skipEmptyLines: 'greedy' });
  return parsed.data;
}

/** A cell that is a whole or decimal number becomes a number, so the schema can say what is wrong with it. */
const numeric = (value: string): number | string => (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value);

/**
 * Turns an invoice CSV (a header row, then one invoice per row) into the JSON `POST /invoices`
 * takes. Headers are the JSON field paths with dots (csvColumns.ts); the read-only columns of an
 * export (`id`, `status`, …) are ignored, so an export imports again; any other header refuses
 * the whole file, naming it, rather than dropping its values silently. Empty cells are left out.
 */
export function invoiceRowsFromCsv(text: string): Record<string, unknown>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const columns = header.map((cell) => classifyCsvColumn(cell.trim()));
  const unknown: FieldError[] = header.flatMap((cell, i) => {
    const column = columns[i]!;
    return column.kind === 'unknown'
      ? [{ field: cell.trim() || `(column ${i + 1})`, code: 'unknown_column' as const, ...(column.use ? { other: column.use } : {}), message: `Unknown CSV column. ${column.hint}` }]
      : [];
  });
  if (unknown.length) {
    throw new DomainError('invalid_request', `The CSV header names unknown columns: ${unknown.map((e) => e.field).join(', ')}.`, { errors: unknown });
  }
  return rows.map((cells) => {
    const out: Record<string, unknown> = {};
    const payer: Record<string, unknown> = {};
    const sms: Record<string, unknown> = {};
    const metadata: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = (cells[i] ?? '').trim();
      if (value === '' || column.kind === 'readOnly' || column.kind === 'unknown') return;
      if (column.kind === 'metadata') {
        metadata[column.key] = value;
        return;
      }
      const name = column.column;
      if (name === 'amount') out.amount = numeric(value);
      else if (name === 'paymentMethods') out.paymentMethods = value.split(/[\s;|,]+/).filter(Boolean);
      else if (name.startsWith('payer.')) payer[name.slice('payer.'.length)] = value;
      else if (name.startsWith('sms.')) sms[name.slice('sms.'.length)] = value;
      else out[name] = value;
    });
    if (Object.keys(payer).length) out.payer = payer;
    if (Object.keys(sms).length) out.sms = sms;
    if (Object.keys(metadata).length) out.metadata = metadata;
    return out;
  });
}

/** Invoices as a CSV file that `invoiceRowsFromCsv` reads back: the shared header, CRLF line ends. */
export function invoicesToCsv(invoices: readonly CsvInvoice[]): string {
  const fields = invoiceCsvHeader(invoices);
  const data = invoices.map((invoice) => {
    const cells = invoiceCsvCells(invoice);
    return fields.map((field) => cells[field] ?? '');
  });
  return `${Papa.unparse({ fields, data }, { newline: '\r\n' })}\r\n`;
}
