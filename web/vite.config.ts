/**
 * Vite build of the dashboard. Run from the repo root as `vite build web`: the root is this
 * folder and the output goes to ../dist/web, which the Fastify server serves.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `vite web` during development: the API runs separately (hndl-scan serve)
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
