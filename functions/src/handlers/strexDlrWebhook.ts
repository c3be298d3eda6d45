import { onRequest } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { PHONE_SECRETS } from '../params';
import { getServices } from '../services';
import { parseStrexDlr } from '../adapters/strexPhoneBilling';
import { reconcilePhoneTransaction } from '../domain/reconcile';
import { toProblem } from '../http/problem';
import type { TransactionDoc } from '../domain/types';

/**
 * `POST /webhooks/strex/dlr`: Strex's delivery reports. They carry no signature, so a report is
 * only a hint: the transaction's status is read back from Strex (authenticated) before anything
 * changes. Strex retries until it gets a 200, so unknown ids are acknowledged too.
 */
export const strexDlrWebhook = onRequest({ region: REGION, secrets: PHONE_SECRETS, memory: '256MiB' }, async (req, res) => {
  try {
    const report = parseStrexDlr(req.body);
    const services = getServices();
    if (!report.reversal) {
      const found = await services.db.collection('transactions').where('provider', '==', 'strex').where('providerPaymentId', '==', report.transactionId).limit(1).get();
      const txn = found.docs[0]?.data() as TransactionDoc | undefined;
      if (txn) logger.info('strex dlr', { transactionId: txn.id, outcome: await reconcilePhoneTransaction(services.providers(txn.mode), txn) });
    }
    res.status(200).json({ received: true });
  } catch (error) {
    const problem = toProblem(error);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body));
  }
});
