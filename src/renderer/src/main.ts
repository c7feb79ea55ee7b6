/** Renderer entry: one pinia, the stores connected to Faultline, then the dashboard. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { connectApi } from './api';
import { initStores } from './stores';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
void initStores(connectApi());
app.mount('#app');
