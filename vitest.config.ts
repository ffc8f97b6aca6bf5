import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A skipped or todo test fails the run (test/reporters/no-skips.ts), which prints the counts per project.
    reporters: ['default', './test/reporters/no-skips.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          globalSetup: ['test/lab/global-setup.ts'],
          setupFiles: ['test/lab/fresh-hosts.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
