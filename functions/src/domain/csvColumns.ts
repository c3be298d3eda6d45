/**
 * The invoice CSV's columns: the JSON field paths of `POST /invoices` with dots. One list for the
 * server's import (domain/csv.ts), the OpenAPI document and the dashboard's export and import
 * screen (web imports this file), so an exported file imports again. No imports: web bundles it.
 */

/** Columns an import reads, in the order an export writes them. `metadata.<key>` columns follow. */
export const INVOICE_CSV_COLUMNS = [
  'amount',
  'currency',
  'description',
  'payer.phone',
  'payer.name',
  'payer.locale',
  'paymentMethods',
  'reference',
  'expiresAt',
  'sendAt',
  'sms.text',
  'sms.sender',
  'returnUrl',
  'cancelUrl',
  'callbackUrl',
] as const;

export type InvoiceCsvColumn = (typeof INVOICE_CSV_COLUMNS)[number];

/** `metadata.<key>`: one column per metadata key. */
export const METADATA_COLUMN_PREFIX = 'metadata.';

/** Columns an export may add that an import ignores: what the server decides, not the sender. */
export const READ_ONLY_CSV_COLUMNS = [
  'id',
  'object',
  'status',
  'amountRefunded',
  'payUrl',
  'livemode',
  'createdAt',
  'openedAt',
  'paidAt',
  'cancelledAt',
  'sms.status',
  'sms.segments',
  'sms.encoding',
  'sms.sentAt',
  'sms.deliveredAt',
  'sms.failureCode',
] as const;

/** `transaction.<field>` columns (the latest transaction) are read-only too. */
export const READ_ONLY_COLUMN_PREFIXES = ['transaction.'] as const;

/** Headers of other tools and older exports, and the dotted column each one means. */
const RENAMED: Record<string, InvoiceCsvColumn> = {
  phone: 'payer.phone',
  name: 'payer.name',
  locale: 'payer.locale',
  smsText: 'sms.text',
  smsSender: 'sms.sender',
};

export type CsvColumnKind = { kind: 'field'; column: InvoiceCsvColumn } | { kind: 'metadata'; key: string } | { kind: 'readOnly' } | { kind: 'unknown'; hint: string; use?: InvoiceCsvColumn };

/** What a header cell means to an import. */
export function classifyCsvColumn(header: string): CsvColumnKind {
  if ((INVOICE_CSV_COLUMNS as readonly string[]).includes(header)) return { kind: 'field', column: header as InvoiceCsvColumn };
  if (header.startsWith(METADATA_COLUMN_PREFIX) && header.length > METADATA_COLUMN_PREFIX.length) return { kind: 'metadata', key: header.slice(METADATA_COLUMN_PREFIX.length) };
  if ((READ_ONLY_CSV_COLUMNS as readonly string[]).includes(header) || READ_ONLY_COLUMN_PREFIXES.some((prefix) => header.startsWith(prefix))) return { kind: 'readOnly' };
  const dotted = RENAMED[header] ?? (INVOICE_CSV_COLUMNS as readonly string[]).find((column) => column.replace(/\./g, '_').toLowerCase() === header.toLowerCase());
  return dotted ? { kind: 'unknown', hint: `Use "${dotted}".`, use: dotted as InvoiceCsvColumn } : { kind: 'unknown', hint: `Columns: ${INVOICE_CSV_COLUMNS.join(', ')}, metadata.<key>.` };
}

/** The fields an export writes, in the shape of an API invoice; dates as ISO 8601 strings. */
export interface CsvInvoice {
  amount: number;
  currency: string;
  description: string;
  payer: { phone: string; name?: string | null; locale?: string | null };
  paymentMethods?: readonly string[] | null;
  reference?: string | null;
  expiresAt?: string | null;
  sendAt?: string | null;
  sms?: { text?: string | null; sender?: string | null } | null;
  returnUrl?: string | null;
  cancelUrl?: string | null;
  callbackUrl?: string | null;
  metadata?: Record<string, string> | null;
}

/** One invoice as CSV cells by column (empty string for none); `paymentMethods` space-separated. */
export function invoiceCsvCells(invoice: CsvInvoice): Record<string, string> {
  const cells: Record<InvoiceCsvColumn, string> = {
    amount: String(invoice.amount),
    currency: invoice.currency,
    description: invoice.description,
    'payer.phone': invoice.payer.phone,
    'payer.name': invoice.payer.name ?? '',
    'payer.locale': invoice.payer.locale ?? '',
    paymentMethods: (invoice.paymentMethods ?? []).join(' '),
    reference: invoice.reference ?? '',
    expiresAt: invoice.expiresAt ?? '',
    sendAt: invoice.sendAt ?? '',
    'sms.text': invoice.sms?.text ?? '',
    'sms.sender': invoice.sms?.sender ?? '',
    returnUrl: invoice.returnUrl ?? '',
    cancelUrl: invoice.cancelUrl ?? '',
    callbackUrl: invoice.callbackUrl ?? '',
  };
  const metadata = Object.fromEntries(Object.entries(invoice.metadata ?? {}).map(([key, value]) => [`${METADATA_COLUMN_PREFIX}${key}`, value]));
  return { ...cells, ...metadata };
}

/** The header of an export of these invoices: every column, then each metadata key once, sorted. */
export function invoiceCsvHeader(invoices: readonly CsvInvoice[]): string[] {
  const keys = new Set<string>();
  for (const invoice of invoices) for (const key of Object.keys(invoice.metadata ?? {})) keys.add(key);
  return [...INVOICE_CSV_COLUMNS, ...[...keys].sort().map((key) => `${METADATA_COLUMN_PREFIX}${key}`)];
}
