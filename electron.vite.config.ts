import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// One build for every host: the Electron shell (index), the CLI (cli), the
// ingest worker, the alignment worker and the search index worker share the core in
// src/main; the renderer is the same page for Electron and for `lockstep serve`.
export default defineConfig({
  main: {
    build: {
      sourcemap: true,
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          ingestWorker: resolve(__dirname, 'src/main/ingest/ingestWorker.ts'),
          searchWorker: resolve(__dirname, 'src/main/search/searchWorker.ts'),
          alignWorker: resolve(__dirname, 'src/main/align/alignWorker.ts'),
          fieldsWorker: resolve(__dirname, 'src/main/diff/fieldsWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [svelte()],
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
      },
    },
  },
});
