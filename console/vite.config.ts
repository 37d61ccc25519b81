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
