import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import { createApp } from 'vue';
import App from './App.vue';
import { loadConfig } from './api.ts';
import { router } from './router.ts';
import './print.css';

await loadConfig();
createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app');
