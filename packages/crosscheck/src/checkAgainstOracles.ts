/**
 * The public entry point for outside code: hold your own function (a `traceHessian`, a
 * Hessian, a bound gradient, ...) against the oracles (dense eigen-decomposition, five-point
 * central differences, @hsr/autodiff, and on request the symbolic engines) on generated
 * cases, through the same named properties that check @hsr/numeric. Your function replaces
 * numeric's for that one quantity; every other quantity the property needs comes from numeric.
 *
 *   const report = await checkAgainstOracles({ quantity: 'traceH', implementation: myTrace, runs: 50 });
 *   if (!report.ok) console.error(report.failures.join('\n\n'));
 *
 * It is async because the symbolic leg (`symbolicRuns`) loads nerdamer and mathjs (~2 s) only
 * when asked, and because under vitest it looks up the running test for the replay line.
 */
import type fc from 'fast-check';
import * as numeric from '@hsr/numeric';
import { BLOCKS, BOUND_VALUE_KEYS, CURVATURES, REDUCTIONS, type BoundKind, type Dataset, type Model, type SymmetricMatrix, type Variant } from '@hsr/numeric';
import { caseArbitrary, type CaseOptions } from './arbitraries.ts';
import type { CheckCase } from './cases.ts';
import { withImplementations, type Implementations } from './implementations.ts';
import { withToleranceOverride, type ToleranceOverride } from './outcome.ts';
import { PROPERTIES, type NamedProperty } from './properties.ts';
import { replayCommand, replaySettings, replayTarget, runProperty, type PropertyRun, type ReplayEntry } from './replay.ts';
import { SYMBOLIC_CASE_OPTIONS } from './symbolicLimits.ts';
import { vitestContextReady } from './vitestContext.ts';

export type OracleQuantity = 'lossGradient' | 'hessian' | 'traceH' | 'traceH2' | 'gradTraceH' | 'gradTraceH2' | 'boundGradient';

/**
 * The user's function: a number (traces) or an array (gradients in theta order, the Hessian
 * block row-major). It is called with every variant the cases draw, by default all 12
 * (reduction mean | sum x block all | first | second x curvature hessian | gauss-newton), and
 * must return the quantity of that variant (the block's trace, the Gauss–Newton Hessian, ...);
 * `variants` restricts them. For 'lossGradient' only the reduction varies.
 */
export type UserImplementation = (model: Model, data: Dataset, variant: Variant) => number | Float64Array | ArrayLike<number>;

/** A set of variants: each field fixed, or absent for "every value" (`{ curvature: 'hessian' }` is 6 variants). */
export type VariantPattern = Partial<Variant>;

export interface CheckAgainstOraclesOptions {
  quantity: OracleQuantity;
  implementation: UserImplementation;
  /** For quantity 'boundGradient': which bound (default 'upper'). */
  bound?: BoundKind;
  /** Generated cases per property (default 50; HSR_RUNS overrides it). */
  runs?: number;
  /** Seed (default random; HSR_REPLAY and HSR_SEED override it). */
  seed?: number;
  /**
   * The variants your function is called with (default all 12), as patterns:
   * `[{ block: 'all', curvature: 'hessian' }]` is the full Hessian under both reductions.
   */
  variants?: readonly VariantPattern[];
  /**
   * Loosen the comparisons of your quantity, for float32 or stochastic implementations: each is
   * held to |yours - oracle| <= atol + rtol max(|oracle|, scale) with the larger of the
   * property's own rtol, atol and these (a float32 trace: `{ rtol: 1e-5 }`). Only your quantity
   * (and the bounds computed from your traces) is loosened.
   */
  tolerance?: { rtol?: number; atol?: number };
  /** Restrict the generated cases (shapes, activations, variants, ...). */
  cases?: CaseOptions;
  /** Use these cases instead of generating (e.g. your own model and data). */
  arbitrary?: fc.Arbitrary<CheckCase>;
  /**
   * Also hold the function against the symbolic engines (nerdamer, mathjs) on this many tiny
   * generated cases (SYMBOLIC_CASE_OPTIONS: d, h <= 2, c = 2, N <= 2); default 0, because a
   * derivation costs seconds per network shape and activation (and loading the engines ~2 s).
   */
  symbolicRuns?: number;
  /** The test file and test name for the replay line (default: the running vitest test). */
  file?: string;
  test?: string;
}

export interface OracleReport {
  quantity: OracleQuantity;
  ok: boolean;
  seed: number;
  runs: PropertyRun[];
  /** One failure message per failed property (worst element, seed, its own replay line). */
  failures: string[];
  /** When something failed: one command that replays every failed property of this call exactly. */
  replay?: string;
}

/** The properties that check each quantity. */
export const ORACLE_PROPERTIES: Readonly<Record<OracleQuantity, readonly string[]>> = {
  lossGradient: ['loss-gradient-vs-central-difference', 'loss-gradient-equals-autodiff'],
  hessian: ['hessian-symmetric', 'hessian-vs-gradient-central-difference', 'hessian-equals-autodiff'],
  traceH: ['trace-equals-eigenvalue-sum', 'closed-form-traces-equal-dense-traces', 'ws-bounds-enclose-spectrum', 'traces-equal-autodiff'],
  traceH2: ['trace2-equals-eigenvalue-square-sum', 'closed-form-traces-equal-dense-traces', 'ws-bounds-enclose-spectrum', 'traces-equal-autodiff'],
  gradTraceH: ['trace-gradient-vs-central-difference', 'trace-gradients-equal-autodiff'],
  gradTraceH2: ['trace-gradient-vs-central-difference', 'trace-gradients-equal-autodiff'],
  boundGradient: ['bound-gradient-vs-central-difference', 'bound-gradients-equal-autodiff'],
};

/** The symbolic properties that compare each quantity (run with `symbolicRuns`), by export name. */
const SYMBOLIC_ORACLES: Readonly<Record<OracleQuantity, readonly ('tracesEqualNerdamer' | 'tracesEqualMathjs' | 'traceGradientsEqualNerdamer' | 'traceGradientsEqualMathjs')[]>> = {
  lossGradient: ['tracesEqualNerdamer', 'tracesEqualMathjs'],
  hessian: ['tracesEqualNerdamer', 'tracesEqualMathjs'],
  traceH: ['tracesEqualNerdamer', 'tracesEqualMathjs'],
  traceH2: ['tracesEqualNerdamer', 'tracesEqualMathjs'],
  gradTraceH: ['traceGradientsEqualNerdamer', 'traceGradientsEqualMathjs'],
  gradTraceH2: ['traceGradientsEqualNerdamer', 'traceGradientsEqualMathjs'],
  boundGradient: ['traceGradientsEqualNerdamer', 'traceGradientsEqualMathjs'],
};

/** The Part quantities computed from the user's function: what `tolerance` loosens. */
function ownQuantities(quantity: OracleQuantity, bound: BoundKind): readonly string[] {
  switch (quantity) {
    case 'traceH':
    case 'traceH2':
      // The bounds are computed from the user's traces.
      return [quantity, ...BOUND_VALUE_KEYS];
    case 'boundGradient':
      return [`boundGradient.${bound}`];
    default:
      return [quantity];
  }
}

/** Every variant matching one of the patterns, in REDUCTIONS x BLOCKS x CURVATURES order. */
export function expandVariants(patterns: readonly VariantPattern[]): Variant[] {
  const out: Variant[] = [];
  for (const reduction of REDUCTIONS)
    for (const block of BLOCKS)
      for (const curvature of CURVATURES) {
        const v: Variant = { reduction, block, curvature };
        if (patterns.some((p) => (p.reduction ?? reduction) === reduction && (p.block ?? block) === block && (p.curvature ?? curvature) === curvature)) out.push(v);
      }
  if (out.length === 0) throw new RangeError(`variants: ${JSON.stringify(patterns)} matches no variant`);
  return out;
}

function toArray(x: number | ArrayLike<number>, what: string): Float64Array {
  if (typeof x === 'number') throw new TypeError(`${what}: expected an array, got a number`);
  return Float64Array.from(x);
}

function toNumber(x: number | ArrayLike<number>, what: string): number {
  if (typeof x !== 'number') throw new TypeError(`${what}: expected a number, got an array`);
  return x;
}

/** numeric's implementations with the user's function substituted for one quantity. */
export function implementationsFor(quantity: OracleQuantity, f: UserImplementation, bound: BoundKind = 'upper'): Implementations {
  const variantOf = (reduction: Variant['reduction']): Variant => ({ reduction, block: 'all', curvature: 'hessian' });
  switch (quantity) {
    case 'lossGradient':
      return withImplementations({ lossGradient: (m, d, r) => toArray(f(m, d, variantOf(r)), 'lossGradient') });
    case 'hessian':
      return withImplementations({
        denseHessian: (m, d, v): SymmetricMatrix => {
          const data = toArray(f(m, d, v), 'hessian');
          return { size: Math.round(Math.sqrt(data.length)), data };
        },
      });
    case 'traceH':
      return withImplementations({ hessianTraces: (m, d, v) => ({ traceH: toNumber(f(m, d, v), 'traceH'), traceH2: numeric.hessianTraces(m, d, v).traceH2 }) });
    case 'traceH2':
      return withImplementations({ hessianTraces: (m, d, v) => ({ traceH: numeric.hessianTraces(m, d, v).traceH, traceH2: toNumber(f(m, d, v), 'traceH2') }) });
    case 'gradTraceH':
      return withImplementations({ traceGradients: (m, d, v) => ({ gradTraceH: toArray(f(m, d, v), 'gradTraceH'), gradTraceH2: numeric.traceGradients(m, d, v).gradTraceH2 }) });
    case 'gradTraceH2':
      return withImplementations({ traceGradients: (m, d, v) => ({ gradTraceH: numeric.traceGradients(m, d, v).gradTraceH, gradTraceH2: toArray(f(m, d, v), 'gradTraceH2') }) });
    case 'boundGradient':
      return withImplementations({
        boundGradient: (m, d, v, of) => {
          const reference = numeric.boundGradient(m, d, v, of);
          if (of !== bound) return reference;
          return { value: reference.value, gradient: toArray(f(m, d, v), `boundGradient.${bound}`), degenerate: reference.degenerate };
        },
      });
  }
}

/** The property with `override` in force for each check, and its tolerance line saying so. */
function loosened(property: NamedProperty, override: ToleranceOverride): NamedProperty {
  const t = property.tolerance;
  const parts = [override.rtol !== undefined ? `rtol ${override.rtol}` : '', override.atol !== undefined ? `atol ${override.atol}` : ''].filter(Boolean).join(', ');
  return {
    ...property,
    tolerance: { ...t, rtol: Math.max(t.rtol, override.rtol ?? 0), why: `${t.why}; loosened by the caller to ${parts} for ${override.quantities.join(', ')}` },
    check: (c, impl) => withToleranceOverride(override, () => property.check(c, impl)),
  };
}

/**
 * Check a user's function for one quantity against every oracle that applies, over
 * generated cases (or `arbitrary`). Never rejects on a failed check: read `ok` and `failures`.
 */
export async function checkAgainstOracles(options: CheckAgainstOraclesOptions): Promise<OracleReport> {
  await vitestContextReady();
  const bound = options.bound ?? 'upper';
  const impl = implementationsFor(options.quantity, options.implementation, bound);
  const cases: CaseOptions = { ...options.cases, ...(options.variants ? { variants: expandVariants(options.variants) } : {}) };
  const arbitrary = options.arbitrary ?? caseArbitrary(cases);
  // One seed for the whole call (HSR_SEED and options.seed as for any run); HSR_REPLAY entries win per property.
  const shared = replaySettings({ ...(options.seed !== undefined ? { seed: options.seed } : {}) }, undefined);
  const override: ToleranceOverride | undefined = options.tolerance ? { ...options.tolerance, quantities: ownQuantities(options.quantity, bound) } : undefined;
  const report: OracleReport = { quantity: options.quantity, ok: true, seed: shared.seed, runs: [], failures: [] };
  const numRuns = options.runs ?? 50;
  const jobs: { property: NamedProperty; numRuns: number; arbitrary: fc.Arbitrary<CheckCase> }[] = ORACLE_PROPERTIES[options.quantity].map((name) => ({ property: PROPERTIES[name]!, numRuns, arbitrary }));
  const symbolicRuns = options.symbolicRuns ?? 0;
  if (symbolicRuns > 0) {
    // Loaded here and only here: importing @hsr/crosscheck must not pay for the engines.
    const symbolic = await import('./symbolicProperties.ts');
    const tiny = caseArbitrary({ ...SYMBOLIC_CASE_OPTIONS, ...(options.cases?.activations ? { activations: options.cases.activations } : {}), ...(cases.variants ? { variants: cases.variants } : {}) });
    for (const name of SYMBOLIC_ORACLES[options.quantity]) jobs.push({ property: symbolic[name], numRuns: symbolicRuns, arbitrary: tiny });
  }
  const target = replayTarget({ file: options.file, test: options.test });
  const failed: ReplayEntry[] = [];
  for (const job of jobs) {
    const property = override ? loosened(job.property, override) : job.property;
    const key = `${options.quantity}/${property.name}`;
    const run = runProperty(property, { impl, seed: shared.seed, seedSource: shared.seedSource, numRuns: job.numRuns, arbitrary: job.arbitrary, key, file: target.file, test: target.test });
    report.runs.push(run);
    if (!run.ok) {
      report.ok = false;
      report.failures.push(run.message ?? `${property.name} failed`);
      failed.push({ key, seed: run.seed, ...(run.path ? { path: run.path } : {}) });
    }
  }
  if (failed.length > 0) report.replay = replayCommand(failed, target, shared.seedSource === 'caller' ? undefined : shared.seed);
  return report;
}
