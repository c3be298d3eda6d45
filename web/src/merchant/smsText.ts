// One implementation for the server and the dashboard's preview, so the preview is what is sent.
export { DEFAULT_TEMPLATES, measureSms, renderTemplate, smsSafe, type SmsEncoding, type SmsSegmentInfo } from '../../../functions/src/domain/smsText';
