/** Renderer entry: one pinia, the stores connected to Faultline, then the dashboard. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { z } from 'zod';
import App from './App.vue';
import { connectApi } from './api';
import { initStores } from './stores';
import './styles.css';

// The CSP has no 'unsafe-eval': tell zod not to probe `new Function` (the probe alone is
// reported as a CSP violation even though zod catches it).
z.config({ jitless: true });

const app = createApp(App);
app.use(createPinia());
void initStores(connectApi());
app.mount('#app');
