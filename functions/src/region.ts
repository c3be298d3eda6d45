/** Every function runs next to its payers and the Firestore database, in Europe. */
export const REGION = 'europe-west1';
