import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs anywhere; `lab` needs root and the lab nodes (lab/lab up),
// which scripts/test.sh brings up before it runs them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Lab tests share the nodes and fault them; one file at a time.
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
