/**
 * The modules `pnpm mutation` mutates and, for each, the default-project test files that
 * verify it: its mirrored tests, the crosscheck properties they run, and the PyTorch golden
 * tests. Stryker then runs, for every mutant, only the tests that cover it (per-test coverage),
 * so a module's list may be generous; what it must not do is omit a test that checks the
 * module, or the score undercounts. Paths are relative to the repository root.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, splitRange } from './results.ts';

export interface MutationModule {
  /** The source file Stryker mutates (a `--mutate` glob matching it selects this entry). */
  readonly file: string;
  /** Test files (default vitest project) run against its mutants. */
  readonly tests: readonly string[];
}

const GOLDEN = 'packages/numeric/test/golden/golden.test.ts';

export const MUTATION_MODULES: readonly MutationModule[] = [
  { file: 'packages/numeric/src/wolkowiczStyan.ts', tests: ['packages/numeric/test/wolkowiczStyan.test.ts', GOLDEN] },
  {
    file: 'packages/numeric/src/losses.ts',
    tests: ['packages/numeric/test/losses.test.ts', 'packages/numeric/test/losses.saturation.test.ts', 'packages/numeric/test/hessianTrace.test.ts', 'packages/numeric/test/sampleCurvature.test.ts', GOLDEN],
  },
  { file: 'packages/numeric/src/sampleCurvature.ts', tests: ['packages/numeric/test/sampleCurvature.test.ts', 'packages/numeric/test/hessian.test.ts', 'packages/numeric/test/hessianTrace.test.ts', GOLDEN] },
  { file: 'packages/numeric/src/hessianTrace.ts', tests: ['packages/numeric/test/hessianTrace.test.ts', 'packages/numeric/test/traceEngine.test.ts', GOLDEN] },
  {
    file: 'packages/numeric/src/traceEngine.ts',
    // The gradient mode is checked against autodiff and differences there; shards run row subsets;
    // the memory test counts the plan's regions by hand; the plan test holds the planner's limits,
    // threads, rows, refusal texts and profile line; the items test runs every job's items last
    // to first (an item writing past its own rows) and a block of two V^T B_n batches.
    tests: [
      'packages/numeric/test/traceEngine.test.ts',
      'packages/numeric/test/traceEngine.memory.test.ts',
      'packages/numeric/test/traceEngine.plan.test.ts',
      'packages/numeric/test/traceEngine.items.test.ts',
      'packages/numeric/test/hessianTrace.test.ts',
      'packages/numeric/test/boundGradient.test.ts',
      'packages/numeric/test/shards.test.ts',
      GOLDEN,
    ],
  },
  {
    file: 'packages/numeric/src/activations.ts',
    // The formula texts are read by the symbolic engines, whose test differentiates them.
    tests: ['packages/numeric/test/activations.test.ts', 'packages/numeric/test/activations.tails.test.ts', 'packages/autodiff/test/activations.test.ts', 'packages/symbolic/test/activation.test.ts', GOLDEN],
  },
  {
    file: 'packages/numeric/src/boundGradient.ts',
    // The autodiff bound test compares numeric's boundGradient with the oracle for every kind.
    tests: ['packages/numeric/test/boundGradient.test.ts', 'packages/autodiff/test/bound.test.ts', GOLDEN],
  },
  { file: 'packages/numeric/src/network.ts', tests: ['packages/numeric/test/network.test.ts', GOLDEN] },
  { file: 'packages/numeric/src/hessian.ts', tests: ['packages/numeric/test/hessian.test.ts', 'packages/numeric/test/hessian.saturation.test.ts', GOLDEN] },
  {
    file: 'packages/numeric/src/hessianVectorProduct.ts',
    // Lanczos applies the operator into one reused buffer and holds its Ritz values to the dense spectrum.
    tests: ['packages/numeric/test/hessianVectorProduct.test.ts', 'packages/numeric/test/lanczos.test.ts', GOLDEN],
  },
  {
    file: 'packages/numeric/src/lanczos.ts',
    // Lanczos at budgets is held to lanczosExtremes bit for bit; the spectrum's tridiagonal to its recurrence.
    tests: ['packages/numeric/test/lanczos.test.ts', 'packages/numeric/test/estimators/extremeEigenvalue.test.ts', 'packages/numeric/test/training/spectrum.test.ts'],
  },
  {
    file: 'packages/autodiff/src/jet.ts',
    // Everything in autodiff runs on jets, so every autodiff test covers nearly every jet mutant.
    // numeric's deep forward and Hessian tests (4 s and 21 s) run jets too, through the deep
    // oracle; they are left out here because they would make each surviving jet mutant cost 35 s
    // instead of 10 s. Leaving a test out can only count a mutant as surviving that it would
    // have killed: the score can come out lower, never higher.
    tests: ['packages/autodiff/test/*.test.ts'],
  },
  {
    file: 'packages/autodiff/src/**/*.ts',
    // numeric's deep forward and Hessian tests hold the deep oracle (deepOracle.ts, deepLoss.ts)
    // to the deep closed forms (4 s and 21 s); deep/outputLoss and deep/traceGradient check it too
    // but take 3-4 min each at load 25, too slow to run against every mutant.
    tests: ['packages/autodiff/test/*.test.ts', 'packages/numeric/test/deep/forward.test.ts', 'packages/numeric/test/deep/hessian.test.ts'],
  },
];

/**
 * The entries a `--mutate` glob (`file.ts`, `file.ts:61-135`, or a glob) selects: the entry for
 * exactly its file if one exists (jet.ts has its own, inside autodiff's glob), else every entry
 * whose file matches the glob or whose glob matches the file.
 */
export function modulesFor(glob: string, modules: readonly MutationModule[] = MUTATION_MODULES): MutationModule[] {
  const g = splitRange(glob).file;
  const exact = modules.filter((m) => m.file === g);
  return exact.length > 0 ? exact : modules.filter((m) => path.matchesGlob(m.file, g) || path.matchesGlob(g, m.file));
}

/** The test files run against the mutants of these globs; a selection that matches no entry runs every entry's tests. */
export function testsFor(globs: readonly string[], modules: readonly MutationModule[] = MUTATION_MODULES): string[] {
  const chosen = globs.flatMap((g) => modulesFor(g, modules));
  return [...new Set((chosen.length > 0 ? chosen : modules).flatMap((m) => m.tests))];
}

/**
 * The source files the listed modules name, globs expanded (under packages/, relative to the
 * repository root, sorted): what a full `pnpm mutation` run mutates.
 */
export function mutatedFiles(modules: readonly MutationModule[] = MUTATION_MODULES): string[] {
  const all = readdirSync(path.join(ROOT, 'packages'), { recursive: true, encoding: 'utf8' })
    .map((f) => path.posix.join('packages', f.split(path.sep).join('/')))
    .filter((f) => !f.includes('/node_modules/'));
  return [...new Set(modules.flatMap((m) => all.filter((f) => f === m.file || path.matchesGlob(f, m.file))))].sort();
}
