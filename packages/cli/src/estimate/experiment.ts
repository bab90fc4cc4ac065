/**
 * The `hsr estimate` experiment: every estimator of numeric's estimators/ run over seeded
 * repeats on one Hessian operator, each estimate compared with the exact value (truth.ts).
 *
 * Design (so that R repeats of every budget cost what R runs at the LARGEST budget cost):
 *   - Hutchinson and Frobenius (one product gives v^T H v and ||H v||^2): per probe
 *     distribution, a pool of R x M independent probes (M the largest budget). At budget m the
 *     replicates are the floor(R M / m) DISJOINT blocks of m consecutive probes, each an
 *     independent m-probe run. The WS bound is built from the T1 and T2 of the same block.
 *   - PyHessian's trace rule: successive runs over the Rademacher pool, each starting where
 *     the last one stopped (its stopping time depends only on its own probes, so the runs are
 *     independent), until the pool is used up.
 *   - Hutch++, XTrace, power iteration, Lanczos: R runs, each serving every budget (the nested
 *     forms of numeric's estimators: a budget's estimate is exactly that estimator with that
 *     budget; estimates at different budgets of one run share draws).
 *   - PyHessian's eigenvalue rule: ADAPTIVE_RUNS_PER_REPEAT x R runs of its own.
 * Every random stream is seeded from --seed, the stream's name and its repeat (seedFor).
 */
import { cpus } from 'node:os';
import {
  countingOperator,
  hutchinsonSamples,
  hutchPlusPlusAtBudgets,
  lanczosAtBudgets,
  meanAndVariance,
  normalQuantile,
  percentile,
  powerIterationAtBudgets,
  pyhessianTopEigenvalue,
  pyhessianTraceRule,
  PYHESSIAN_MAX_ITER,
  PYHESSIAN_TOL,
  quadraticFormVariance,
  sampleVarianceInterval,
  wolkowiczStyanBounds,
  xtraceAtBudgets,
  BOUND_VALUE_KEYS,
  createRng,
  type BoundValues,
  type HessianOperator,
  type Probe,
} from '@hsr/numeric';
import type { Truth } from './truth.ts';

export const ESTIMATE_SCHEMA = 'hsr-estimate/1';
export const DEFAULT_BUDGETS: readonly number[] = [1, 3, 10, 30, 100, 300, 1000];
/** PyHessian eigenvalue runs per repeat (each costs at most PYHESSIAN_MAX_ITER products). */
export const ADAPTIVE_RUNS_PER_REPEAT = 10;
/** The confidence of the reported variance intervals: 99%, the check the acceptance runs make. */
export const VARIANCE_CONFIDENCE = 0.99;
/** Default memory for the k x P blocks of Hutch++ and XTrace, in MiB; a budget needing more is skipped and says so. */
export const DEFAULT_SKETCH_MEMORY_MIB = 512;
/**
 * Per-replicate values kept in the report for each point (and runs of each adaptive rule):
 * the statistics use all replicates, but 1e5 of them per point would make a 20 MB JSON.
 */
export const MAX_STORED_VALUES = 200;
/** Relative errors below this are plotted at it (exact results have error 0, or round-off). */
export const ERROR_FLOOR = 1e-16;

export type Quantity = 'traceH' | 'traceH2' | 'lambdaMax';

export type EstimatorId = 'hutchinson-rademacher' | 'hutchinson-gaussian' | 'hutch++' | 'xtrace' | 'frobenius-rademacher' | 'frobenius-gaussian' | 'power-iteration' | 'lanczos';

export interface EstimatorInfo {
  readonly id: EstimatorId;
  readonly label: string;
  readonly quantity: Quantity;
  /** What the theoretical standard deviation is, or why there is none. */
  readonly theory: string;
}

export const ESTIMATORS: readonly EstimatorInfo[] = [
  { id: 'hutchinson-rademacher', label: 'Hutchinson (Rademacher)', quantity: 'traceH', theory: 'exact: sqrt(2 (T2 - sum H_ii^2) / m)' },
  { id: 'hutchinson-gaussian', label: 'Hutchinson (Gaussian)', quantity: 'traceH', theory: 'exact: sqrt(2 T2 / m)' },
  { id: 'hutch++', label: 'Hutch++ (Rademacher)', quantity: 'traceH', theory: 'upper bound: sqrt(2 T2 / (m - 2 floor(m/3))) (the complement of Q has ||.||_F <= ||H||_F)' },
  { id: 'xtrace', label: 'XTrace (Rademacher)', quantity: 'traceH', theory: 'none: its variance depends on the random basis (only the m-independent bound sqrt(2 T2))' },
  { id: 'frobenius-rademacher', label: 'Frobenius ||Hv||^2 (Rademacher)', quantity: 'traceH2', theory: 'exact: sqrt(2 (tr H^4 - sum (H^2)_ii^2) / m), needs the dense H' },
  { id: 'frobenius-gaussian', label: 'Frobenius ||Hv||^2 (Gaussian)', quantity: 'traceH2', theory: 'exact: sqrt(2 tr H^4 / m), needs the dense H' },
  { id: 'power-iteration', label: 'power iteration', quantity: 'lambdaMax', theory: 'none: a deterministic rate (|lambda_2|/|lambda_1|)^(2m), not a variance' },
  { id: 'lanczos', label: 'Lanczos', quantity: 'lambdaMax', theory: 'none: deterministic convergence (Kaniel-Paige), not a variance' },
];

export interface EstimatePlan {
  readonly budgets: readonly number[];
  readonly repeats: number;
  readonly seed: number;
  readonly sketchMemoryMiB: number;
}

export interface Percentiles {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
}

export interface BudgetPoint {
  readonly budget: number;
  /** Mean Hessian-vector products actually used (< budget when an estimator stopped early). */
  readonly products: number;
  readonly replicates: number;
  /** |estimate - exact| / |exact| over the replicates. */
  readonly relativeError: Percentiles;
  /** Mean of (estimate - exact) / |exact|: the measured bias. */
  readonly meanSignedError: number;
  /** Sample standard deviation of the estimates / |exact| (null for one replicate). */
  readonly measuredStd: number | null;
  /** Standard deviation from the formula (estimatorTheory), / |exact|; null where there is none. */
  readonly theoreticalStd: number | null;
  readonly theoreticalKind: 'exact' | 'upper bound' | null;
  /** The first MAX_STORED_VALUES replicates' estimates. */
  readonly estimates: readonly number[];
}

export interface EstimatorResult extends EstimatorInfo {
  readonly exact: number;
  readonly points: readonly BudgetPoint[];
  /** Budgets not run, with the reason (memory limit, budget too small). */
  readonly skipped: readonly { readonly budget: number; readonly reason: string }[];
}

export interface AdaptiveResult {
  readonly id: 'pyhessian-trace' | 'pyhessian-eigenvalue';
  readonly label: string;
  readonly description: string;
  readonly quantity: Quantity;
  readonly exact: number;
  readonly rule: string;
  readonly runs: number;
  readonly products: Percentiles & { readonly mean: number; readonly max: number };
  readonly relativeError: Percentiles;
  readonly meanSignedError: number;
  /** Fraction of runs whose relative error is below the rule's tol (what a user may read tol as). */
  readonly withinTol: number;
  /** Fraction of runs that stopped by the rule rather than at maxIter. */
  readonly stoppedByRule: number;
  /** The first MAX_STORED_VALUES runs. */
  readonly samples: readonly { readonly products: number; readonly estimate: number }[];
}

export interface WsPoint {
  readonly budget: number;
  readonly replicates: number;
  /** |bound from estimated T1, T2 - bound from exact T1, T2| / |exact bound|, per bound. */
  readonly relativeError: Record<keyof BoundValues, Percentiles>;
  /** Fraction of replicates where the estimated bound is on the wrong side of the true eigenvalue (or range). */
  readonly violations: Record<keyof BoundValues, number>;
}

export interface WsResult {
  readonly id: 'ws-rademacher' | 'ws-gaussian';
  readonly label: string;
  readonly probe: Probe;
  readonly points: readonly WsPoint[];
}

export interface VarianceCheck {
  readonly estimator: 'hutchinson-rademacher' | 'hutchinson-gaussian';
  readonly budget: number;
  readonly replicates: number;
  /** Sample variance of the replicates' estimates. */
  readonly measured: number;
  /** The formula's variance at this budget. */
  readonly theory: number;
  readonly interval: { readonly lower: number; readonly upper: number; readonly degreesOfFreedom: number; readonly confidence: number };
  /** Excess kurtosis of one probe used for the interval, and whether it is exact or an upper bound. */
  readonly probeKurtosis: number;
  readonly kurtosisKind: 'exact' | 'upper bound';
  readonly inside: boolean;
}

export interface EstimateResults {
  readonly estimators: readonly EstimatorResult[];
  readonly adaptive: readonly AdaptiveResult[];
  readonly wsBounds: readonly WsResult[];
  readonly varianceChecks: readonly VarianceCheck[];
  readonly productsUsed: number;
  readonly seconds: number;
  readonly environment: { readonly node: string; readonly platform: string; readonly cpus: number };
}

/** The block's curvature is exactly zero (T2 = 0, e.g. saturated softmax): there is nothing to estimate. */
export class ZeroHessianError extends Error {
  constructor() {
    super('the Hessian of this block is exactly zero (T2 = ||H||_F^2 = 0, e.g. every softmax saturated): there is nothing to estimate');
    this.name = 'ZeroHessianError';
  }
}

/** A 31-bit seed for stream `name`, repeat `index`, from --seed (FNV-1a over the three). */
export function seedFor(seed: number, name: string, index: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}/${name}/${index}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 1;
}

export function percentiles(values: readonly number[]): Percentiles {
  return { median: percentile(values, 0.5), p10: percentile(values, 0.1), p90: percentile(values, 0.9) };
}

/** Bytes of the k x P blocks Hutch++ ((2k + g) P) and XTrace (3k P) hold at budget m. */
export function sketchBytes(id: 'hutch++' | 'xtrace', m: number, P: number): number {
  if (id === 'hutch++') {
    const k = Math.floor(m / 3);
    return (2 * k + (m - 2 * k)) * P * 8;
  }
  return 3 * Math.floor(m / 2) * P * 8;
}

/** The budgets Hutch++ or XTrace run at, and why the others are skipped. */
export function sketchBudgets(id: 'hutch++' | 'xtrace', budgets: readonly number[], P: number, sketchMemoryMiB: number): { run: number[]; skipped: { budget: number; reason: string }[] } {
  const run: number[] = [];
  const skipped: { budget: number; reason: string }[] = [];
  for (const m of budgets) {
    const bytes = sketchBytes(id, m, P);
    if (id === 'xtrace' && m < 2) skipped.push({ budget: m, reason: 'XTrace needs at least 2 products (one sketch vector and its product with H)' });
    else if (bytes > sketchMemoryMiB * 2 ** 20) skipped.push({ budget: m, reason: `its k x P blocks need ${Math.ceil(bytes / 2 ** 20)} MiB > --sketch-memory ${sketchMemoryMiB} MiB (and O(P k^2) linear algebra)` });
    else run.push(m);
  }
  return { run, skipped };
}

/** Products one repeat plans to spend (an upper bound: Lanczos and the adaptive rules may stop early). */
export function productsPerRepeat(plan: Pick<EstimatePlan, 'budgets' | 'sketchMemoryMiB'>, P: number): number {
  const M = plan.budgets.at(-1)!;
  const hpp = sketchBudgets('hutch++', plan.budgets, P, plan.sketchMemoryMiB).run.at(-1) ?? 0;
  const xt = sketchBudgets('xtrace', plan.budgets, P, plan.sketchMemoryMiB).run.at(-1) ?? 0;
  const lanczos = plan.budgets.filter((m) => Math.min(m, P) * P * 8 <= plan.sketchMemoryMiB * 2 ** 20).reduce((s, m) => s + Math.min(m, P), 0);
  return 3 * M + hpp + 2 * Math.floor(xt / 2) + lanczos + ADAPTIVE_RUNS_PER_REPEAT * PYHESSIAN_MAX_ITER;
}

/** Theoretical standard deviation (absolute) of one estimator at budget m, and its kind. */
export function estimatorTheory(id: EstimatorId, m: number, truth: Truth): { std: number; kind: 'exact' | 'upper bound' } | null {
  switch (id) {
    case 'hutchinson-rademacher':
      return { std: Math.sqrt(quadraticFormVariance('rademacher', truth.traceH2, truth.diagonalSquareSum) / m), kind: 'exact' };
    case 'hutchinson-gaussian':
      return { std: Math.sqrt(quadraticFormVariance('gaussian', truth.traceH2, 0) / m), kind: 'exact' };
    case 'hutch++': {
      const g = m - 2 * Math.floor(m / 3);
      return { std: Math.sqrt((2 * truth.traceH2) / g), kind: 'upper bound' };
    }
    case 'frobenius-rademacher':
      return truth.traceH4 === null || truth.squaredDiagonalOfH2Sum === null ? null : { std: Math.sqrt(quadraticFormVariance('rademacher', truth.traceH4, truth.squaredDiagonalOfH2Sum) / m), kind: 'exact' };
    case 'frobenius-gaussian':
      return truth.traceH4 === null ? null : { std: Math.sqrt(quadraticFormVariance('gaussian', truth.traceH4, 0) / m), kind: 'exact' };
    default:
      return null;
  }
}

/** The median of |Z| for Z ~ N(0, sigma^2) is this times sigma (the theory curves of the plots). */
export const HALF_NORMAL_MEDIAN = normalQuantile(0.75);

function exactOf(q: Quantity, truth: Truth): number {
  return q === 'traceH' ? truth.traceH : q === 'traceH2' ? truth.traceH2 : truth.lambdaMax;
}

/**
 * What errors are divided by: |exact|, or ||H||_F = sqrt(T2) when the exact value is 0 (a
 * traceless or negative semidefinite H), so no error is 0/0. runEstimates refuses H = 0.
 */
export function errorScale(exact: number, truth: Truth): number {
  return exact !== 0 ? Math.abs(exact) : Math.sqrt(truth.traceH2);
}

function point(info: EstimatorInfo, m: number, truth: Truth, estimates: number[], products: number[]): BudgetPoint {
  const exact = exactOf(info.quantity, truth);
  const scale = errorScale(exact, truth);
  const rel = estimates.map((e) => Math.abs(e - exact) / scale);
  const mv = meanAndVariance(estimates);
  const theory = estimatorTheory(info.id, m, truth);
  return {
    budget: m,
    products: products.reduce((s, x) => s + x, 0) / products.length,
    replicates: estimates.length,
    relativeError: percentiles(rel),
    meanSignedError: (mv.mean - exact) / scale,
    measuredStd: estimates.length > 1 ? Math.sqrt(mv.variance) / scale : null,
    theoreticalStd: theory ? theory.std / scale : null,
    theoreticalKind: theory?.kind ?? null,
    estimates: estimates.slice(0, MAX_STORED_VALUES),
  };
}

interface Pool {
  readonly probe: Probe;
  readonly quadratic: Float64Array;
  readonly squaredNorm: Float64Array;
}

function blockMeans(values: Float64Array, m: number): number[] {
  const n = Math.floor(values.length / m);
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    let s = 0;
    for (let j = b * m; j < (b + 1) * m; j++) s += values[j]!;
    out.push(s / m);
  }
  return out;
}

export interface EstimateHooks {
  /** Called with (products done, products planned) after every product. */
  onProgress?(done: number, total: number): void;
  /** The stage that starts now (for the progress display). */
  onStage?(name: string): void;
}

/** Run every estimator (see the module comment) against `truth`. */
export function runEstimates(op: HessianOperator, truth: Truth, plan: EstimatePlan, hooks: EstimateHooks = {}): EstimateResults {
  if (!(truth.traceH2 > 0)) throw new ZeroHessianError();
  const t0 = performance.now();
  const P = op.size;
  const { budgets, repeats: R, seed } = plan;
  const M = budgets.at(-1)!;
  const total = R * productsPerRepeat(plan, P);
  // `products` counts what was spent; `done` drives the bar, which jumps over whatever a stage
  // planned but did not need (Lanczos converging, adaptive rules stopping early).
  let products = 0;
  let done = 0;
  let planned = 0;
  const counted = countingOperator(op, () => {
    products++;
    done++;
    hooks.onProgress?.(Math.min(done, total), total);
  });
  const stage = <T>(name: string, plannedProducts: number, body: () => T): T => {
    hooks.onStage?.(name);
    planned += plannedProducts;
    const result = body();
    if (done < planned) {
      done = planned;
      hooks.onProgress?.(Math.min(done, total), total);
    }
    return result;
  };

  // Pools for Hutchinson, Frobenius, the WS bounds and PyHessian's trace rule.
  const pools: Pool[] = (['rademacher', 'gaussian'] as const).map((probe) =>
    stage(`Hutchinson (${probe}) pool`, R * M, () => {
      const quadratic = new Float64Array(R * M);
      const squaredNorm = new Float64Array(R * M);
      for (let r = 0; r < R; r++) {
        const s = hutchinsonSamples(counted, createRng(seedFor(seed, `pool-${probe}`, r)), M, probe);
        quadratic.set(s.quadratic, r * M);
        squaredNorm.set(s.squaredNorm, r * M);
      }
      return { probe, quadratic, squaredNorm };
    }),
  );

  const estimators: EstimatorResult[] = [];
  const info = (id: EstimatorId) => ESTIMATORS.find((e) => e.id === id)!;
  const pooled = (id: EstimatorId, values: Float64Array): EstimatorResult => {
    const i = info(id);
    const points = budgets.map((m) => {
      const e = blockMeans(values, m);
      return point(
        i,
        m,
        truth,
        e,
        e.map(() => m),
      );
    });
    return { ...i, exact: exactOf(i.quantity, truth), skipped: [], points };
  };
  const [rad, gau] = pools as [Pool, Pool];
  estimators.push(pooled('hutchinson-rademacher', rad.quadratic), pooled('hutchinson-gaussian', gau.quadratic));

  // Nested runs: R per estimator.
  const nested = (
    id: EstimatorId,
    runBudgets: readonly number[],
    skipped: { budget: number; reason: string }[],
    plannedPerRun: number,
    run: (rng: ReturnType<typeof createRng>, bs: readonly number[]) => { estimate: number; products: number }[],
    declined = '',
  ): EstimatorResult => {
    const i = info(id);
    const perBudget = runBudgets.map(() => ({ estimates: [] as number[], products: [] as number[] }));
    stage(i.label, R * plannedPerRun, () => {
      if (runBudgets.length === 0) return;
      for (let r = 0; r < R; r++) {
        const out = run(createRng(seedFor(seed, id, r)), runBudgets);
        out.forEach((e, b) => {
          perBudget[b]!.estimates.push(e.estimate);
          perBudget[b]!.products.push(e.products);
        });
      }
    });
    // A run may decline a budget (NaN): the budget is then skipped for every run.
    const points: BudgetPoint[] = [];
    const allSkipped = [...skipped];
    runBudgets.forEach((m, b) => {
      const { estimates, products } = perBudget[b]!;
      if (estimates.some((e) => Number.isNaN(e))) allSkipped.push({ budget: m, reason: declined });
      else points.push(point(i, m, truth, estimates, products));
    });
    return { ...i, exact: exactOf(i.quantity, truth), skipped: allSkipped.sort((a, b) => a.budget - b.budget), points };
  };
  const hpp = sketchBudgets('hutch++', budgets, P, plan.sketchMemoryMiB);
  estimators.push(nested('hutch++', hpp.run, hpp.skipped, hpp.run.at(-1) ?? 0, (rng, bs) => hutchPlusPlusAtBudgets(counted, rng, bs)));
  const xt = sketchBudgets('xtrace', budgets, P, plan.sketchMemoryMiB);
  estimators.push(nested('xtrace', xt.run, xt.skipped, 2 * Math.floor((xt.run.at(-1) ?? 0) / 2), (rng, bs) => xtraceAtBudgets(counted, rng, bs)));
  estimators.push(pooled('frobenius-rademacher', rad.squaredNorm), pooled('frobenius-gaussian', gau.squaredNorm));
  estimators.push(nested('power-iteration', budgets, [], M, (rng, bs) => powerIterationAtBudgets(counted, rng, bs)));
  // Lanczos keeps min(m, P) basis vectors: budgets over --sketch-memory run only as far as a
  // run that converged earlier (which every larger budget returns unchanged).
  const lanczosFits = (m: number) => Math.min(m, P) * P * 8 <= plan.sketchMemoryMiB * 2 ** 20;
  const lanczosRun = budgets.filter(lanczosFits);
  const lanczosDeclined = `the Lanczos basis (min(m, P) x P) needs more than --sketch-memory ${plan.sketchMemoryMiB} MiB and some run had not converged by m = ${lanczosRun.at(-1) ?? 0}`;
  estimators.push(
    nested(
      'lanczos',
      budgets,
      [],
      lanczosRun.reduce((s, m) => s + Math.min(m, P), 0),
      (rng, bs) => {
        const out = lanczosRun.length > 0 ? lanczosAtBudgets(counted, rng, lanczosRun) : [];
        const last = out.at(-1);
        return bs.map((m, b) => out[b] ?? (last && last.products < last.budget ? { ...last, budget: m } : { budget: m, estimate: NaN, products: NaN, residual: NaN }));
      },
      lanczosDeclined,
    ),
  );

  // PyHessian's rules.
  const adaptive: AdaptiveResult[] = [];
  // Successive runs over the Rademacher pool (no new products); a run the pool cannot finish is dropped.
  const traceRuns: AdaptiveRun[] = [];
  for (let at = 0; ; ) {
    const r = pyhessianTraceRule(() => (at < rad.quadratic.length ? rad.quadratic[at++]! : null));
    if (r === null) break;
    traceRuns.push(r);
  }
  adaptive.push(adaptiveResult('pyhessian-trace', 'PyHessian trace()', 'Rademacher Hutchinson with its adaptive stopping rule', 'traceH', truth, traceRuns));
  const eigenRuns = stage("PyHessian's eigenvalues()", R * ADAPTIVE_RUNS_PER_REPEAT * PYHESSIAN_MAX_ITER, () => {
    const runs: AdaptiveRun[] = [];
    for (let j = 0; j < R * ADAPTIVE_RUNS_PER_REPEAT; j++) runs.push(pyhessianTopEigenvalue(counted, createRng(seedFor(seed, 'pyhessian-eigenvalue', j))));
    return runs;
  });
  adaptive.push(adaptiveResult('pyhessian-eigenvalue', 'PyHessian eigenvalues()', 'power iteration with its adaptive stopping rule', 'lambdaMax', truth, eigenRuns));

  const wsBounds = pools.map((pool) => wsResult(pool, budgets, truth));
  const varianceChecks = budgets.flatMap((m) =>
    pools.flatMap((pool) => {
      const id = pool.probe === 'rademacher' ? 'hutchinson-rademacher' : 'hutchinson-gaussian';
      const e = blockMeans(pool.quadratic, m);
      // A zero variance (Rademacher probes on a diagonal H are exact) has nothing to check.
      if (e.length < 2 || quadraticFormVariance(pool.probe, truth.traceH2, truth.diagonalSquareSum) === 0) return [];
      return [varianceCheck(id, m, e, truth)];
    }),
  );
  return {
    estimators,
    adaptive,
    wsBounds,
    varianceChecks,
    productsUsed: products,
    seconds: (performance.now() - t0) / 1000,
    environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length },
  };
}

type AdaptiveRun = { readonly products: number; readonly estimate: number; readonly stopped: boolean };

function adaptiveResult(id: AdaptiveResult['id'], label: string, description: string, quantity: Quantity, truth: Truth, runs: readonly AdaptiveRun[]): AdaptiveResult {
  const exact = exactOf(quantity, truth);
  const scale = errorScale(exact, truth);
  const rel = runs.map((r) => Math.abs(r.estimate - exact) / scale);
  const products = runs.map((r) => r.products);
  return {
    id,
    label,
    description,
    quantity,
    exact,
    rule: `stop when the relative change of the ${id === 'pyhessian-trace' ? 'running mean' : 'Rayleigh quotient'} is < ${PYHESSIAN_TOL} (denominator |previous| + 1e-6), at most ${PYHESSIAN_MAX_ITER} products`,
    runs: runs.length,
    products: { ...percentiles(products), mean: products.reduce((s, x) => s + x, 0) / Math.max(products.length, 1), max: Math.max(...products) },
    relativeError: percentiles(rel),
    meanSignedError: runs.reduce((s, r) => s + (r.estimate - exact), 0) / runs.length / scale,
    withinTol: rel.filter((e) => e < PYHESSIAN_TOL).length / Math.max(rel.length, 1),
    stoppedByRule: runs.filter((r) => r.stopped).length / Math.max(runs.length, 1),
    samples: runs.slice(0, MAX_STORED_VALUES).map((r) => ({ products: r.products, estimate: r.estimate })),
  };
}

function wsResult(pool: Pool, budgets: readonly number[], truth: Truth): WsResult {
  const P = truth.parameters;
  const trueValue: Record<keyof BoundValues, number> = {
    lambdaMaxUpper: truth.lambdaMax,
    lambdaMaxLower: truth.lambdaMax,
    lambdaMinUpper: truth.lambdaMin,
    lambdaMinLower: truth.lambdaMin,
    rangeUpper: truth.lambdaMax - truth.lambdaMin,
  };
  // An upper bound is violated below the truth, a lower bound above it.
  const isUpper: Record<keyof BoundValues, boolean> = { lambdaMaxUpper: true, lambdaMaxLower: false, lambdaMinUpper: true, lambdaMinLower: false, rangeUpper: true };
  const points = budgets.map((m) => {
    const t1 = blockMeans(pool.quadratic, m);
    const t2 = blockMeans(pool.squaredNorm, m);
    const bounds = t1.map((a, i) => wolkowiczStyanBounds(a, t2[i]!, P));
    const relativeError = {} as Record<keyof BoundValues, Percentiles>;
    const violations = {} as Record<keyof BoundValues, number>;
    for (const key of BOUND_VALUE_KEYS) {
      const exact = truth.bounds[key];
      const scale = exact !== 0 ? Math.abs(exact) : Math.sqrt(truth.traceH2 / P);
      relativeError[key] = percentiles(bounds.map((b) => Math.abs(b[key] - exact) / scale));
      violations[key] = bounds.filter((b) => (isUpper[key] ? b[key] < trueValue[key] : b[key] > trueValue[key])).length / bounds.length;
    }
    return { budget: m, replicates: bounds.length, relativeError, violations };
  });
  return { id: pool.probe === 'rademacher' ? 'ws-rademacher' : 'ws-gaussian', label: `WS bounds from Hutchinson T1 + Frobenius T2 (${pool.probe}, same products)`, probe: pool.probe, points };
}

function varianceCheck(estimator: VarianceCheck['estimator'], m: number, estimates: number[], truth: Truth): VarianceCheck {
  const probe: Probe = estimator === 'hutchinson-rademacher' ? 'rademacher' : 'gaussian';
  const theory = quadraticFormVariance(probe, truth.traceH2, truth.diagonalSquareSum) / m;
  const measured = meanAndVariance(estimates).variance;
  const kurtosis = truth.probeKurtosis[probe];
  // The mean of m i.i.d. probes has excess kurtosis kappa_1 / m.
  const interval = sampleVarianceInterval(theory, estimates.length, kurtosis / m, VARIANCE_CONFIDENCE);
  return {
    estimator,
    budget: m,
    replicates: estimates.length,
    measured,
    theory,
    interval,
    probeKurtosis: kurtosis,
    kurtosisKind: truth.probeKurtosis.kind,
    inside: measured >= interval.lower && measured <= interval.upper,
  };
}
