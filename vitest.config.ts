import { defaultClientConditions, defaultServerConditions } from 'vite';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: `default` is what CI runs on every change (keep it under 15 minutes on
// 2 cores); `slow` holds the external oracles (jax-js) and MNIST-size checks.
const include = ['packages/*/test/**/*.test.ts', 'test/*/**/*.test.ts'];
const slow = ['packages/*/test/**/*.slow.test.ts', 'test/*/**/*.slow.test.ts'];

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources through the `source` export
  // condition (as tsconfig.base.json's customConditions and `tsx --conditions=source` do), so
  // tests need no build; dist/ is only for publishing.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    // Vitest's default is one worker fewer than the CPUs: one worker on CI's 2 cores, so test
    // files ran one after another while most CLI tests sat waiting on their child process.
    // Two workers keep both cores busy (the default on larger machines is unchanged).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    setupFiles: ['./packages/testkit/src/setup.ts'],
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'default', include, exclude: [...slow, '**/node_modules/**'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: { name: 'slow', include: slow, exclude: ['**/node_modules/**'], testTimeout: 900_000 },
      },
    ],
  },
});
