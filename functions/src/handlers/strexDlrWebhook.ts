import { onRequest } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { PHONE_SECRETS } from '../params';
import { getServices } from '../services';
import { parseStrexDlr } from '../adapters/strexPhoneBilling';
import { applyPhoneDeliveryReport } from '../domain/reconcile';
import { toProblem } from '../http/problem';

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
      const outcome = await applyPhoneDeliveryReport({ db: services.db, providers: services.providers }, 'strex', {
        providerTransactionId: report.transactionId,
        billed: report.statusCode === 'Ok',
        operator: report.operatorId,
      });
      logger.info('strex dlr', { providerTransactionId: report.transactionId, outcome });
    }
    res.status(200).json({ received: true });
  } catch (error) {
    const problem = toProblem(error);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body));
  }
});
