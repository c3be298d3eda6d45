// Types of seed.mjs for the TypeScript tests that seed as `npm start` does.
export interface SeedMerchant {
  merchantId: string;
  name: string;
  email: string;
  password: string;
  apiKey: string;
  webhookSecret: string;
  role?: 'owner' | 'staff';
  accentColor?: string;
  paymentMethods?: ('card' | 'phone')[];
  callbackUrl?: string;
}
export declare const DEMO: SeedMerchant;
export declare function seedMerchant(projectId: string, merchant: SeedMerchant): Promise<{ uid: string }>;
