/**
 * The vitest configuration Stryker runs (tools/mutation/stryker.config.json): the root
 * configuration's resolution and setup, one project with the default project's options, and
 * only the test files run.ts selected for the mutated modules (HSR_MUTATION_TESTS, a JSON
 * list). Slow tests never run here.
 *
 * Workspace imports (`@hsr/numeric`, `@hsr/crosscheck/properties`, ...) are sent to the
 * sandbox's copy of the package. Stryker runs in a copy of the repository whose node_modules
 * is a symlink to the original's, and pnpm's `@hsr/*` links in it point to the original
 * packages, so without this a test that imports the mutated module by its package name (every
 * crosscheck property, the autodiff and symbolic tests) ran the unmutated original and could
 * never kill anything.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import root from '../../vitest.config.ts';

const here = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
/** The repository the sandbox was copied from (where node_modules really lives; `here` outside Stryker). */
const original = path.dirname(realpathSync(path.join(here, 'node_modules')));

/** `@hsr/*` resolved into the original repository is moved to the same path under `here`. */
const sandboxWorkspace: Plugin = {
  name: 'hsr-mutation-sandbox-workspace',
  enforce: 'pre',
  async resolveId(id, importer, options) {
    if (!id.startsWith('@hsr/') || original === here) return null;
    const resolved = await this.resolve(id, importer, { ...options, skipSelf: true });
    if (resolved === null || !resolved.id.startsWith(`${original}/`)) return resolved;
    const moved = here + resolved.id.slice(original.length);
    return existsSync(moved.replace(/\?.*$/, '')) ? { ...resolved, id: moved } : resolved;
  },
};

const fromEnv = process.env.HSR_MUTATION_TESTS;
if (fromEnv === undefined) throw new Error('tools/mutation/vitest.config.ts: run it through `pnpm mutation` (HSR_MUTATION_TESTS is unset)');
const include = JSON.parse(fromEnv) as string[];

export default defineConfig({
  ...root,
  plugins: [...(root.plugins ?? []), sandboxWorkspace],
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...root.test,
    reporters: ['default'],
    projects: undefined,
    include,
    exclude: ['**/*.slow.test.ts', '**/node_modules/**'],
    // After Stryker's setup (which the runner puts first): worker threads run the active mutant.
    setupFiles: [root.test?.setupFiles ?? [], './tools/mutation/workerMutantSetup.ts'].flat(),
    // The mutated file is instrumented (every expression checks which mutant is active), and the
    // 2 cores are shared: the autodiff property tests (5-6 s in the default run) took over 60 s
    // in Stryker's initial run at load 20, which then refused to start.
    testTimeout: 600_000,
  },
});
