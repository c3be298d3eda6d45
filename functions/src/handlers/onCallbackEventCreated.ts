import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { REGION } from '../region';
import { getServices } from '../services';

/** Callback events are written with the state change they report; this hands each to its first attempt. */
export const onCallbackEventCreated = onDocumentCreated({ document: 'callbackEvents/{eventId}', region: REGION }, async (event) => {
  await getServices().tasks.enqueue('deliverCallback', { eventId: event.params.eventId, attempt: 1 }, { id: `${event.params.eventId}-1` });
});
