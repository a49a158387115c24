import { defineConfig } from 'vitest/config';

// Two projects: `server` (unit and storage tests beside the code; storage tests run on SQLite and
// PostgreSQL) and `browser` (playwright-core driving Debian's /usr/bin/chromium against the built UI).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['web/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
          // After the server project, on a machine no longer busy with it: on 2 cores the two
          // together made clicks and animations miss their time (CI failed on it).
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
