import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { DomainError, type FieldError } from './errors';
import { buildInvoice, createInvoice, referenceTaken, takenReferences, writeInvoice, type BuiltInvoice } from './invoices';
import { createInvoiceSchema, parseOrThrow, type CreateInvoiceInput } from './schemas';
import type { MerchantDoc } from './types';

export const IMPORT_MAX_ROWS = 10_000;
/** Writes per invoice are at most 6 (invoice, token, reference, SMS, timeline, callback); a batch takes 500. */
const INVOICES_PER_BATCH = 80;
const PARALLEL_BATCHES = 4;

export interface ImportRowResult {
  row: number;
  id?: string;
  error?: { message: string; errors?: FieldError[] };
}

/**
 * Creates up to 10,000 invoices. Every row is validated like `POST /invoices`; valid rows are
 * written in atomic batches (each invoice with its token, reference, SMS and timeline, so no row
 * is ever half-written), and each row gets its own result: an id, or the reason it was refused.
 */
export async function importInvoices(
  db: Firestore,
  merchant: MerchantDoc,
  rows: unknown[],
  publicBaseUrl: string,
  checkCallbackUrl: (url: string) => string | null,
) {
  if (rows.length === 0) throw new DomainError('invalid_request', 'The import has no rows.', { errors: [{ field: 'invoices', message: 'Add at least one row.' }] });
  if (rows.length > IMPORT_MAX_ROWS) {
    throw new DomainError('invalid_request', `An import takes at most ${IMPORT_MAX_ROWS} rows; this one has ${rows.length}.`, {
      errors: [{ field: 'invoices', message: `At most ${IMPORT_MAX_ROWS} rows.` }],
    });
  }
  const results: ImportRowResult[] = rows.map((_, i) => ({ row: i + 1 }));
  const valid: { index: number; input: CreateInvoiceInput }[] = [];
  const seenReferences = new Map<string, number>();
  rows.forEach((row, index) => {
    try {
      const input = parseOrThrow(createInvoiceSchema, row, `row ${index + 1}`);
      const refusal = input.callbackUrl ? checkCallbackUrl(input.callbackUrl) : null;
      if (refusal) throw new DomainError('invalid_request', `callbackUrl ${refusal}.`, { errors: [{ field: 'callbackUrl', message: `Callback URLs ${refusal}.` }] });
      if (input.reference) {
        const first = seenReferences.get(input.reference);
        if (first !== undefined) {
          throw new DomainError('invalid_request', `The reference "${input.reference}" repeats row ${first + 1}.`, {
            errors: [{ field: 'reference', message: `Repeats row ${first + 1}.` }],
          });
        }
        seenReferences.set(input.reference, index);
      }
      valid.push({ index, input });
    } catch (error) {
      results[index]!.error = describe(error);
    }
  });

  const taken = await takenReferences(db, merchant.id, [...seenReferences.keys()]);
  const now = Timestamp.now();
  const built: { index: number; input: CreateInvoiceInput; invoice: BuiltInvoice }[] = [];
  for (const { index, input } of valid) {
    try {
      if (input.reference && taken.has(input.reference)) throw referenceTaken(input.reference, taken.get(input.reference));
      built.push({ index, input, invoice: buildInvoice(merchant, input, publicBaseUrl, now) });
    } catch (error) {
      results[index]!.error = describe(error);
    }
  }

  const batches: (typeof built)[] = [];
  for (let i = 0; i < built.length; i += INVOICES_PER_BATCH) batches.push(built.slice(i, i + INVOICES_PER_BATCH));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const writer = db.batch();
      for (const item of batch) writeInvoice(db, writer, item.invoice);
      try {
        await writer.commit();
        for (const item of batch) results[item.index]!.id = item.invoice.invoice.id;
      } catch {
        // A reference claimed meanwhile fails the whole batch: retry its rows one by one.
        for (const item of batch) {
          try {
            const created = await db.runTransaction((tx) => createInvoice(db, tx, merchant, item.input, publicBaseUrl));
            results[item.index]!.id = (created.body as { id: string }).id;
          } catch (error) {
            results[item.index]!.error = describe(error);
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
  const created = results.filter((r) => r.id).length;
  return { object: 'list', data: results, created, failed: results.length - created };
}

function describe(error: unknown): ImportRowResult['error'] {
  if (error instanceof DomainError) return { message: error.message, ...(error.options.errors ? { errors: error.options.errors } : {}) };
  return { message: 'The row could not be saved; try it again.' };
}
