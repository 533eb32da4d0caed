import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Two projects: the core under Node, and the renderer's state modules (Svelte 5
// runes, compiled as for the browser) driven through an in-process transport
// around a real Workbench (tests/support/inProcessTransport.ts).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['src/main/**/*.test.ts', 'src/shared/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['tests/renderer/**'],
          environment: 'node',
        },
      },
      {
        extends: true,
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: { name: 'renderer', include: ['src/renderer/**/*.test.ts', 'tests/renderer/**/*.test.ts'], environment: 'node' },
      },
    ],
  },
});
