import type { Timestamp } from 'firebase-admin/firestore';
import type { InvoiceDoc, TransactionDoc } from './types';

const iso = (t: Timestamp | null | undefined): string | null => (t ? t.toDate().toISOString() : null);

/** The API's invoice representation (spec "Invoice fields"). */
export function invoiceToApi(invoice: InvoiceDoc, transaction?: TransactionDoc | null) {
  return {
    id: invoice.id,
    object: 'invoice' as const,
    status: invoice.status,
    amount: invoice.amount,
    amountRefunded: invoice.amountRefunded,
    currency: invoice.currency,
    description: invoice.description,
    payer: invoice.payer,
    paymentMethods: invoice.paymentMethods,
    reference: invoice.reference,
    metadata: invoice.metadata,
    reminders: invoice.reminders,
    payUrl: invoice.payUrl,
    returnUrl: invoice.returnUrl,
    cancelUrl: invoice.cancelUrl,
    callbackUrl: invoice.callbackUrl,
    sms: {
      status: invoice.sms.status,
      text: invoice.sms.text,
      sender: invoice.sms.sender,
      segments: invoice.sms.segments,
      encoding: invoice.sms.encoding,
      sentAt: iso(invoice.sms.sentAt),
      deliveredAt: iso(invoice.sms.deliveredAt),
      failureCode: invoice.sms.failureCode,
    },
    livemode: invoice.mode === 'live',
    createdAt: iso(invoice.createdAt),
    sendAt: iso(invoice.sendAt),
    expiresAt: iso(invoice.expiresAt),
    openedAt: iso(invoice.openedAt),
    paidAt: iso(invoice.paidAt),
    cancelledAt: iso(invoice.cancelledAt),
    transaction: transaction ? transactionToApi(transaction) : (invoice.transaction ?? null),
  };
}

export type ApiInvoice = ReturnType<typeof invoiceToApi>;

/** `next` tells the integrator or payer what to do: follow a redirect, type a PIN, or nothing. */
function nextStep(txn: TransactionDoc) {
  if (txn.method === 'card' && (txn.status === 'pending' || txn.status === 'processing') && txn.redirectUrl) {
    return { type: 'redirect' as const, url: txn.redirectUrl };
  }
  if (txn.method === 'phone' && txn.status === 'awaiting_pin') {
    return { type: 'pin' as const, expiresAt: iso(txn.pinExpiresAt), attemptsLeft: txn.pinAttemptsLeft ?? 0 };
  }
  return null;
}

export function transactionToApi(txn: TransactionDoc) {
  return {
    id: txn.id,
    object: 'transaction' as const,
    invoiceId: txn.invoiceId,
    method: txn.method,
    provider: txn.provider,
    status: txn.status,
    amount: txn.amount,
    currency: txn.currency,
    failureCode: txn.failureCode,
    failureMessage: txn.failureMessage,
    amountRefunded: txn.amountRefunded ?? 0,
    card: txn.method === 'card' ? (txn.card ?? null) : null,
    phone: txn.method === 'phone' ? { operator: txn.operator ?? null } : null,
    fee: txn.fee ?? null,
    next: nextStep(txn),
    livemode: txn.mode === 'live',
    createdAt: iso(txn.createdAt),
    succeededAt: iso(txn.succeededAt),
  };
}
