export { api } from './handlers/api';
export { stripeWebhook } from './handlers/stripeWebhook';
export { dispatchSms } from './handlers/dispatchSms';
export { smsDeliveryReceipt } from './handlers/smsDeliveryReceipt';
export { deliverCallback } from './handlers/deliverCallback';
export { onSmsMessageCreated } from './handlers/onSmsMessageCreated';
export { onCallbackEventCreated } from './handlers/onCallbackEventCreated';
