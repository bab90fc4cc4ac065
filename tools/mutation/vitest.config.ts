/**
 * The vitest configuration Stryker runs (tools/mutation/stryker.config.json): the root
 * configuration's resolution and setup, one project with the default project's options, and
 * only the test files run.ts selected for the mutated modules (HSR_MUTATION_TESTS, a JSON
 * list). Slow tests never run here.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import root from '../../vitest.config.ts';

const fromEnv = process.env.HSR_MUTATION_TESTS;
if (fromEnv === undefined) throw new Error('tools/mutation/vitest.config.ts: run it through `pnpm mutation` (HSR_MUTATION_TESTS is unset)');
const include = JSON.parse(fromEnv) as string[];

export default defineConfig({
  ...root,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...root.test,
    reporters: ['default'],
    projects: undefined,
    include,
    exclude: ['**/*.slow.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
  },
});
