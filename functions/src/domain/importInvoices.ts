import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { DomainError, type DomainErrorCode, type FieldError } from './errors';
import { derivedId } from './ids';
import type { OnceRun } from './idempotency';
import { buildInvoice, referenceRef, referenceTaken, takenReferences, writeInvoice, type BuiltInvoice } from './invoices';
import { invoiceRef } from './timeline';
import { createInvoiceSchema, parseOrThrow, type CreateInvoiceInput } from './schemas';
import type { MerchantDoc } from './types';

export const IMPORT_MAX_ROWS = 10_000;
/** Writes per invoice are at most 6 (invoice, token, reference, SMS, timeline, callback); a batch takes 500. */
const INVOICES_PER_BATCH = 80;
const PARALLEL_BATCHES = 4;

export interface ImportRowResult {
  row: number;
  id?: string;
  error?: { code?: DomainErrorCode; message: string; errors?: FieldError[] };
}

/**
 * Creates up to 10,000 invoices. Every row is validated like `POST /invoices`; valid rows are
 * written in atomic batches (each invoice with its token, reference, SMS and timeline, so no row
 * is ever half-written), and each row gets its own result: an id, or the reason it was refused.
 * Under an Idempotency-Key each row's invoice id is derived from the request and the row number,
 * so a retry after a crash writes only the rows that are missing and texts nobody twice.
 */
export async function importInvoices(db: Firestore, merchant: MerchantDoc, rows: unknown[], publicBaseUrl: string, checkCallbackUrl: (url: string) => string | null, run: OnceRun | null = null) {
  if (rows.length === 0)
    throw new DomainError('invalid_request', 'The import has no rows.', { errors: [{ field: 'invoices', code: 'too_small', minimum: 1, unit: 'rows', message: 'Add at least one row.' }] });
  if (rows.length > IMPORT_MAX_ROWS) {
    throw new DomainError('invalid_request', `An import takes at most ${IMPORT_MAX_ROWS} rows; this one has ${rows.length}.`, {
      errors: [{ field: 'invoices', code: 'too_big', maximum: IMPORT_MAX_ROWS, unit: 'rows', message: `At most ${IMPORT_MAX_ROWS} rows.` }],
    });
  }
  const results: ImportRowResult[] = rows.map((_, i) => ({ row: i + 1 }));
  const valid: { index: number; input: CreateInvoiceInput }[] = [];
  const seenReferences = new Map<string, number>();
  rows.forEach((row, index) => {
    try {
      const input = parseOrThrow(createInvoiceSchema, row, `row ${index + 1}`);
      const refusal = input.callbackUrl ? checkCallbackUrl(input.callbackUrl) : null;
      if (refusal) throw new DomainError('invalid_request', `callbackUrl ${refusal}.`, { errors: [{ field: 'callbackUrl', code: 'invalid_url', message: `Callback URLs ${refusal}.` }] });
      if (input.reference) {
        const first = seenReferences.get(input.reference);
        if (first !== undefined) {
          throw new DomainError('invalid_request', `The reference "${input.reference}" repeats row ${first + 1}.`, {
            errors: [{ field: 'reference', code: 'duplicate', row: first + 1, message: `Repeats row ${first + 1}.` }],
          });
        }
        seenReferences.set(input.reference, index);
      }
      valid.push({ index, input });
    } catch (error) {
      results[index]!.error = describe(error);
    }
  });

  const rowId = (index: number) => (run ? derivedId('inv', `${run.seed}:${index + 1}`) : undefined);
  // A run taking over from one that died: rows it already wrote answer with their invoice, untouched.
  const done = run?.resumed
    ? await existingInvoices(
        db,
        rows.map((_, index) => rowId(index)!),
      )
    : new Set<string>();
  for (let index = 0; index < rows.length; index++) {
    const id = rowId(index);
    if (id && done.has(id)) results[index] = { row: index + 1, id };
  }

  const taken = await takenReferences(db, merchant.id, [...seenReferences.keys()]);
  const now = Timestamp.now();
  const built: { index: number; invoice: BuiltInvoice }[] = [];
  for (const { index, input } of valid) {
    if (results[index]!.id) continue;
    try {
      if (input.reference && taken.has(input.reference)) throw referenceTaken(input.reference, taken.get(input.reference));
      built.push({ index, invoice: buildInvoice(merchant, input, publicBaseUrl, now, undefined, rowId(index)) });
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
        // A reference claimed meanwhile, or a row a concurrent run of the same request wrote,
        // fails the whole batch: retry its rows one by one.
        for (const item of batch) {
          try {
            results[item.index]!.id = await writeRowOnce(db, item.invoice);
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

/** Writes one row's invoice unless it exists already (its id is derived from the request and row). */
function writeRowOnce(db: Firestore, built: BuiltInvoice): Promise<string> {
  const { invoice } = built;
  return db.runTransaction(async (tx) => {
    if ((await tx.get(invoiceRef(db, invoice.id))).exists) return invoice.id;
    if (invoice.reference) {
      const claim = await tx.get(referenceRef(db, invoice.merchantId, invoice.reference));
      if (claim.exists) throw referenceTaken(invoice.reference, claim.get('invoiceId'));
    }
    writeInvoice(db, tx, built);
    return invoice.id;
  });
}

async function existingInvoices(db: Firestore, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 100) chunks.push(ids.slice(i, i + 100));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const snaps = await db.getAll(...chunks[next++]!.map((id) => invoiceRef(db, id)));
      for (const snap of snaps) if (snap.exists) found.add(snap.id);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
  return found;
}

function describe(error: unknown): ImportRowResult['error'] {
  if (error instanceof DomainError) return { code: error.code, message: error.message, ...(error.options.errors ? { errors: error.options.errors } : {}) };
  return { message: 'The row could not be saved; try it again.' };
}
