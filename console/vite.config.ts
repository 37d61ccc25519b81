import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/**
 * The console's build: served under /console (the local cloud's HTTP front, and CloudFront on AWS),
 * into console/dist. Element Plus and ECharts go to chunks of their own so a console change
 * re-downloads only the app's.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [vue()],
  // `npm run console:dev`: the dev server passes the API and the local cloud's pages to `npm start`'s port.
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/health', '/local', '/.well-known', '/console/config.json'].map((path) => [
        path,
        { target: `http://127.0.0.1:${process.env.YIBAO_PORT ?? 3000}`, changeOrigin: true },
      ]),
    ),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        advancedChunks: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ },
            {
              name: 'element-plus',
              test: /node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|lodash|dayjs|async-validator)/,
            },
            { name: 'vue', test: /node_modules[\\/](vue|@vue|vue-router)/ },
          ],
        },
      },
    },
  },
});
