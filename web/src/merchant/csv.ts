import Papa from 'papaparse';
import { classifyCsvColumn, invoiceCsvCells, invoiceCsvHeader, type CsvInvoice } from '../../../functions/src/domain/csvColumns';
import { minorUnitDigits, toMajorUnits } from '../i18n/format';
import type { InvoiceDoc } from './types';

/**
 * The dashboard's CSV: the same dotted headers as `POST /invoices/import` (one list, shared with
 * the server in functions/src/domain/csvColumns.ts), so an export imports again. Read-only columns
 * (`id`, `status`, dates the server set) are written around them; an import ignores them.
 */
const LEADING_READ_ONLY = ['id', 'status'] as const;
const TRAILING_READ_ONLY = ['amountRefunded', 'sms.status', 'createdAt', 'openedAt', 'paidAt'] as const;
/** Text a person typed: a spreadsheet must not run it as a formula. */
const FREE_TEXT = new Set(['description', 'payer.name', 'reference', 'sms.text']);

type Stamp = { toDate(): Date } | null | undefined;
const iso = (value: Stamp): string => (value && typeof value.toDate === 'function' ? value.toDate().toISOString() : '');

/** Amount in minor units → major units with the currency's digits ("129.00", "1500" for JPY). */
export function majorAmount(amount: number | undefined, currency: string): string {
  if (typeof amount !== 'number') return '';
  try {
    return toMajorUnits(amount, currency).toFixed(minorUnitDigits(currency));
  } catch {
    return (amount / 100).toFixed(2);
  }
}

/** RFC 4180 quoting; free text that a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(value: string, freeText = false): string {
  let text = value;
  if (freeText && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function asCsvInvoice(invoice: InvoiceDoc): CsvInvoice {
  return {
    amount: invoice.amount,
    currency: invoice.currency,
    description: invoice.description ?? '',
    payer: { phone: invoice.payer?.phone ?? '', name: invoice.payer?.name, locale: invoice.payer?.locale },
    paymentMethods: invoice.paymentMethods,
    reference: invoice.reference,
    expiresAt: iso(invoice.expiresAt) || null,
    sendAt: iso(invoice.sendAt) || null,
    // The stored text is the rendered SMS with this invoice's own link, not a template: an import
    // of it would text the old link. Left empty, an import uses the merchant's template.
    sms: { sender: invoice.sms?.sender },
    returnUrl: invoice.returnUrl,
    cancelUrl: invoice.cancelUrl,
    callbackUrl: invoice.callbackUrl,
    metadata: invoice.metadata,
  };
}

/** The whole file: header and one line per invoice, CRLF line ends (RFC 4180). */
export function invoicesCsv(invoices: InvoiceDoc[]): string {
  const importable = invoiceCsvHeader(invoices.map(asCsvInvoice));
  const header = [...LEADING_READ_ONLY, ...importable, ...TRAILING_READ_ONLY];
  const lines = invoices.map((invoice) => {
    const cells: Record<string, string> = {
      ...invoiceCsvCells(asCsvInvoice(invoice)),
      id: invoice.id,
      status: invoice.status,
      amountRefunded: String(invoice.amountRefunded ?? 0),
      'sms.status': invoice.sms?.status ?? '',
      createdAt: iso(invoice.createdAt),
      openedAt: iso(invoice.openedAt),
      paidAt: iso(invoice.paidAt),
    };
    return header.map((column) => csvCell(cells[column] ?? '', FREE_TEXT.has(column) || column.startsWith('metadata.'))).join(',');
  });
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

export interface CsvPreview {
  header: string[];
  rows: Record<string, string>[];
  /** Header cells the import would refuse, with the column meant when it can tell. */
  unknownColumns: { column: string; use?: string }[];
}

/** Reads a CSV file the way the import will, to show it before it is sent. */
export function previewCsv(text: string): CsvPreview {
  const parsed = Papa.parse<string[]>(text.replace(/^\ufeff/, ''), { skipEmptyLines: 'greedy' });
  const [header = [], ...data] = parsed.data;
  const columns = header.map((cell) => cell.trim());
  const unknownColumns = columns.flatMap((column) => {
    const kind = classifyCsvColumn(column);
    return kind.kind === 'unknown' ? [{ column, ...(kind.use ? { use: kind.use } : {}) }] : [];
  });
  const rows = data.map((cells) => Object.fromEntries(columns.map((column, i) => [column, (cells[i] ?? '').trim()])));
  return { header: columns, rows, unknownColumns };
}

/** Offers `text` as a file download (a UTF-8 BOM so spreadsheets read æøå right). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
