/**
 * Build of the web UI. Run from the repository root: `vite build --config web/vite.config.ts`
 * writes `web/dist`, which the server serves at `/`. `vite --config web/vite.config.ts` starts a
 * development server that forwards `/api` to a running platform (MOTCUA_API_URL, default
 * http://127.0.0.1:3000).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // A Brotli and a gzip copy beside each text file over 1 kB, which the server sends to browsers
  // that accept them (src/platform/http/server.ts: preCompressed): the Ant Design bundle goes
  // over the network at about a fifth of its size.
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // React and Ant Design change less often than our code: separate files cache better.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
            // Only the lazily loaded dashboard imports ECharts: its own chunk keeps it off every other page.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 3 },
            { name: 'antd', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
    // Ant Design alone is over the 500 kB default.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': process.env.MOTCUA_API_URL ?? 'http://127.0.0.1:3000' },
  },
});
