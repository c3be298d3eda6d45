/** `GET /api/v1/settings` as the dashboard reads it. */
export interface MerchantSettings {
  id: string;
  name: string;
  mode: 'test' | 'live';
  branding: { logoUrl?: string; accentColor?: string };
  settings: {
    paymentMethods: ('card' | 'phone')[];
    locale: 'en' | 'nb';
    returnUrl?: string;
    cancelUrl?: string;
    callbackUrl?: string;
    smsSender?: string;
    smsTemplate?: string;
    smsReceipts?: boolean;
    /** Where payers ask or complain: on every receipt, and the itemised phone-bill receipt SMS. */
    supportEmail?: string;
    supportPhone?: string;
  };
}
