import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import PayView from './views/PayView.vue';

/**
 * The pay page, where payers land from the SMS, is in the entry chunk: as a lazy chunk it would
 * cost one more round trip on a slow phone network before anything shows. Every other route is
 * a lazy chunk. Payer routes (/pay, /sandbox) pull in no Firebase code; the merchant dashboard
 * (/merchant/**) lives in src/merchant and builds to `merchant-*` chunks.
 */
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./views/HomeView.vue') },
  { path: '/pay/:token', name: 'pay', component: PayView, props: true },
  { path: '/pay/:token/receipt', name: 'receipt', component: () => import('./views/ReceiptView.vue'), props: true },
  {
    path: '/sandbox/checkout/:sessionId',
    name: 'sandbox-checkout',
    component: () => import('./views/SandboxCheckoutView.vue'),
    props: true,
  },
  // Outside the dashboard layout: the invitee is signed in but not yet a member.
  { path: '/merchant/invite', name: 'merchant-invite', component: () => import('./merchant/views/InviteView.vue') },
  { path: '/merchant/signup', name: 'merchant-signup', component: () => import('./merchant/views/SignupView.vue') },
  {
    path: '/merchant',
    component: () => import('./merchant/MerchantLayout.vue'),
    children: [
      { path: '', name: 'merchant-invoices', component: () => import('./merchant/views/InvoicesView.vue') },
      { path: 'invoices/new', name: 'merchant-new-invoice', component: () => import('./merchant/views/NewInvoiceView.vue') },
      { path: 'invoices/import', name: 'merchant-import', component: () => import('./merchant/views/ImportView.vue') },
      { path: 'overview', name: 'merchant-overview', component: () => import('./merchant/views/OverviewView.vue') },
      { path: 'outbox', name: 'merchant-outbox', component: () => import('./merchant/views/OutboxView.vue') },
      { path: 'settings', name: 'merchant-settings', component: () => import('./merchant/views/SettingsView.vue'), meta: { ownerOnly: true } },
      { path: 'developers', name: 'merchant-developers', component: () => import('./merchant/views/DevelopersView.vue'), meta: { ownerOnly: true } },
      { path: 'users', name: 'merchant-users', component: () => import('./merchant/views/UsersView.vue'), meta: { ownerOnly: true } },
      {
        path: 'invoices/:id',
        name: 'merchant-invoice',
        component: () => import('./merchant/views/InvoiceDetailView.vue'),
        props: true,
      },
    ],
  },
  // The platform operators' console: a lazy chunk of its own, never reached from payer pages.
  { path: '/operator', name: 'operator', component: () => import('./operator/OperatorView.vue') },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/HomeView.vue'), props: { notFound: true } },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});
