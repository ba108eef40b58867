import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The dashboard's build: sources in web/ (index.html, src/, client/), output in dist/web/, which
 * the service serves at `/` (src/api/app.ts). `npm run build` runs this; `npm start` runs it first
 * when dist/web is missing or older than the sources (scripts/build-web-if-needed.mjs).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development: the API runs on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
