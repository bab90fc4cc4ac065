/**
 * The public entry point for outside code: hold your own function (a `traceHessian`, a
 * Hessian, a bound gradient, ...) against the oracles (dense eigen-decomposition, five-point
 * central differences, @hsr/autodiff) on generated cases, through the same named properties
 * that check @hsr/numeric. Your function replaces numeric's for that one quantity; every
 * other quantity the property needs comes from numeric.
 *
 *   const report = checkAgainstOracles({ quantity: 'traceH', implementation: myTrace, runs: 50, seed: 1 });
 *   if (!report.ok) console.error(report.failures.join('\n\n'));
 */
import type fc from 'fast-check';
import * as numeric from '@hsr/numeric';
import type { BoundKind, Dataset, Model, SymmetricMatrix, Variant } from '@hsr/numeric';
import { caseArbitrary, type CaseOptions } from './arbitraries.ts';
import type { CheckCase } from './cases.ts';
import { withImplementations, type Implementations } from './implementations.ts';
import { PROPERTIES, type NamedProperty } from './properties.ts';
import { runProperty, type PropertyRun } from './replay.ts';
import { SYMBOLIC_CASE_OPTIONS } from './symbolicLeg.ts';
import { traceGradientsEqualMathjs, traceGradientsEqualNerdamer, tracesEqualMathjs, tracesEqualNerdamer } from './symbolicProperties.ts';

export type OracleQuantity = 'lossGradient' | 'hessian' | 'traceH' | 'traceH2' | 'gradTraceH' | 'gradTraceH2' | 'boundGradient';

/** The user's function: a number (traces) or a Float64Array (gradients in theta order, the Hessian block row-major). */
export type UserImplementation = (model: Model, data: Dataset, variant: Variant) => number | Float64Array | ArrayLike<number>;

export interface CheckAgainstOraclesOptions {
  quantity: OracleQuantity;
  implementation: UserImplementation;
  /** For quantity 'boundGradient': which bound (default 'upper'). */
  bound?: BoundKind;
  /** Generated cases per property (default 50). */
  runs?: number;
  /** Seed (default random; HSR_SEED overrides it). */
  seed?: number;
  /** Restrict the generated cases (shapes, activations, variants, ...). */
  cases?: CaseOptions;
  /** Use these cases instead of generating (e.g. your own model and data). */
  arbitrary?: fc.Arbitrary<CheckCase>;
  /**
   * Also hold the function against the symbolic engines (nerdamer, mathjs) on this many tiny
   * generated cases (SYMBOLIC_CASE_OPTIONS: d, h <= 2, c = 2, N <= 2); default 0, because a
   * derivation costs seconds per network shape and activation.
   */
  symbolicRuns?: number;
}

export interface OracleReport {
  quantity: OracleQuantity;
  ok: boolean;
  seed: number;
  runs: PropertyRun[];
  /** One failure message per failed property (worst element, seed, replay). */
  failures: string[];
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

/** The symbolic properties that compare each quantity (run with `symbolicRuns`). */
const SYMBOLIC_ORACLES: Readonly<Record<OracleQuantity, readonly NamedProperty[]>> = {
  lossGradient: [tracesEqualNerdamer, tracesEqualMathjs],
  hessian: [tracesEqualNerdamer, tracesEqualMathjs],
  traceH: [tracesEqualNerdamer, tracesEqualMathjs],
  traceH2: [tracesEqualNerdamer, tracesEqualMathjs],
  gradTraceH: [traceGradientsEqualNerdamer, traceGradientsEqualMathjs],
  gradTraceH2: [traceGradientsEqualNerdamer, traceGradientsEqualMathjs],
  boundGradient: [traceGradientsEqualNerdamer, traceGradientsEqualMathjs],
};

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

/**
 * Check a user's function for one quantity against every oracle that applies, over
 * generated cases (or `arbitrary`). Never throws on a failed check: read `ok` and `failures`.
 */
export function checkAgainstOracles(options: CheckAgainstOraclesOptions): OracleReport {
  const impl = implementationsFor(options.quantity, options.implementation, options.bound);
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const arbitrary = options.arbitrary ?? caseArbitrary(options.cases);
  const report: OracleReport = { quantity: options.quantity, ok: true, seed, runs: [], failures: [] };
  const symbolicRuns = options.symbolicRuns ?? 0;
  const jobs: { property: NamedProperty; numRuns: number; arbitrary: fc.Arbitrary<CheckCase> }[] = ORACLE_PROPERTIES[options.quantity].map((name) => ({
    property: PROPERTIES[name]!,
    numRuns: options.runs ?? 50,
    arbitrary,
  }));
  if (symbolicRuns > 0) {
    const symbolic = SYMBOLIC_ORACLES[options.quantity];
    const tiny = caseArbitrary({ ...SYMBOLIC_CASE_OPTIONS, ...(options.cases?.activations ? { activations: options.cases.activations } : {}) });
    for (const property of symbolic) jobs.push({ property, numRuns: symbolicRuns, arbitrary: tiny });
  }
  for (const { property, numRuns, arbitrary } of jobs) {
    const name = property.name;
    const run = runProperty(property, { impl, seed, numRuns, arbitrary });
    report.runs.push(run);
    if (!run.ok) {
      report.ok = false;
      report.failures.push(run.message ?? `${name} failed`);
    }
  }
  return report;
}
