/** The port every SMS goes out through. */
export interface OutgoingSms {
  /** Our smsMessages id; providers that take an idempotency key get this. */
  messageId: string;
  to: string;
  body: string;
  sender: string | null;
}

export interface SentSms {
  provider: string;
  providerMessageId: string;
}

export interface SmsSender {
  readonly name: string;
  send(sms: OutgoingSms): Promise<SentSms>;
}

/** Raised by a sender when retrying cannot help (invalid number, opted out); anything else is retried. */
export class PermanentSmsError extends Error {
  constructor(
    readonly providerCode: string,
    message: string,
  ) {
    super(message);
  }
}
