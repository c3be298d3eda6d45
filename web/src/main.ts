import { createApp, type App as VueApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { locale } from './i18n';
import './styles.css';

document.documentElement.lang = locale.value;

/** Routes of the payer's pages, whose stores need no Pinia (src/stores/singleton.ts). */
const PAYER_ROUTES = new Set(['pay', 'receipt', 'sandbox-checkout', 'home', 'not-found']);

let pinia: Promise<void> | null = null;
/** Pinia, for the dashboard's stores: loaded with the first route that is not a payer's page. */
function installPinia(app: VueApp): Promise<void> {
  pinia ??= import('pinia').then(({ createPinia }) => void app.use(createPinia()));
  return pinia;
}

const app = createApp(App);
router.beforeEach(async (to) => {
  if (!PAYER_ROUTES.has(String(to.name))) await installPinia(app);
});
app.use(router).mount('#app');
