import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { REGION } from '../region';
import { getServices } from '../services';

/**
 * Callback events are written with the state change they report; this hands each to its first
 * attempt. A failed enqueue throws and the trigger is retried (the task id makes that a no-op
 * when the first enqueue did go through); the sweeper finds any event left pending anyway.
 */
export const onCallbackEventCreated = onDocumentCreated({ document: 'callbackEvents/{eventId}', region: REGION, retry: true }, async (event) => {
  await getServices().tasks.enqueue('deliverCallback', { eventId: event.params.eventId, attempt: 1 }, { id: `${event.params.eventId}-1` });
});
