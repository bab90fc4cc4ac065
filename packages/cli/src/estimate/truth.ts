/**
 * The exact quantities every estimate of `hsr estimate` is measured against, all from closed
 * forms or exact linear algebra, never from an estimator:
 *   T1, T2                 numeric's hessianTraces (eq:trace-h, eq:trace-h2);
 *   sum_i H_ii^2           numeric's hessianDiagonal (eq:hessian-diagonal), any P;
 *   lambda_max, lambda_min the dense spectrum when P <= DENSE_TRUTH_MAX_PARAMETERS, else
 *                          lanczosExtremes run to its residual tolerance (the residual is kept:
 *                          a Weyl bound on the distance to a true eigenvalue);
 *   tr H^4, sum_i (H^2)_ii^2  from the dense H only (the variance of the Frobenius estimator).
 */
import {
  boundValues,
  denseHessian,
  forwardPass,
  hessianDiagonal,
  hessianTraces,
  lanczosExtremes,
  matrixTraces,
  quadraticFormExcessKurtosis,
  quadraticFormExcessKurtosisBound,
  symmetricEigenvalues,
  wolkowiczStyanBounds,
  type BoundValues,
  type Dataset,
  type HessianOperator,
  type Model,
  type Probe,
  type Variant,
} from '@hsr/numeric';

/** Largest P whose dense Hessian and spectrum are formed (P^2 doubles, O(P^3) solve: ~20 s at 1500). */
export const DENSE_TRUTH_MAX_PARAMETERS = 1500;
/** Largest P for which the probes' exact excess kurtosis (O(P^3)) is computed; above, its bound is used. */
export const EXACT_KURTOSIS_MAX_PARAMETERS = 500;
/** Relative residual lanczosExtremes must reach for lambda_max truth when P is too large for the dense solver. */
export const LANCZOS_TRUTH_TOL = 1e-12;
/** Lanczos vectors allowed for that truth (its memory is this many P-vectors). */
export const LANCZOS_TRUTH_MAX_PRODUCTS = 400;

export interface Truth {
  readonly parameters: number;
  readonly traceH: number;
  readonly traceH2: number;
  /** sum_i H_ii^2 from the closed-form diagonal. */
  readonly diagonalSquareSum: number;
  readonly lambdaMax: number;
  readonly lambdaMin: number;
  /** 'dense': the dense symmetric eigensolver; 'lanczos': lanczosExtremes with the residuals below. */
  readonly spectrumSource: 'dense' | 'lanczos';
  /** Weyl bounds on |lambda - true eigenvalue| (0 for the dense solver, whose error is round-off). */
  readonly lambdaMaxResidual: number;
  readonly lambdaMinResidual: number;
  /** Lanczos products used for the spectrum truth (0 for dense). */
  readonly lanczosProducts: number;
  readonly lanczosConverged: boolean;
  /** tr H^4 and sum_i (H^2)_ii^2; null when the dense H was not formed. */
  readonly traceH4: number | null;
  readonly squaredDiagonalOfH2Sum: number | null;
  /** |lambda_2| / |lambda_1| of the two eigenvalues of largest magnitude (power iteration's rate); null without the dense spectrum. */
  readonly powerRatio: number | null;
  /** The dense H's own T1, T2 and sum_i H_ii^2 beside the closed forms, when it was formed. */
  readonly dense: { readonly traceH: number; readonly traceH2: number; readonly diagonalSquareSum: number } | null;
  /** Excess kurtosis of one probe's v^T H v: exact when P <= EXACT_KURTOSIS_MAX_PARAMETERS, else an upper bound. */
  readonly probeKurtosis: { readonly rademacher: number; readonly gaussian: number; readonly kind: 'exact' | 'upper bound' };
  /** The five WS bounds from the exact T1, T2. */
  readonly bounds: BoundValues;
  readonly seconds: number;
}

function denseDiagonalSquareSum(H: { size: number; data: Float64Array }): number {
  let s = 0;
  for (let i = 0; i < H.size; i++) s += H.data[i * H.size + i]! ** 2;
  return s;
}

export function computeTruth(model: Model, data: Dataset, variant: Variant, op: HessianOperator, seed: number): Truth {
  const t0 = performance.now();
  const fp = forwardPass(model, data);
  const t = hessianTraces(model, data, variant, fp);
  const diag = hessianDiagonal(model, data, variant, fp);
  let diagonalSquareSum = 0;
  for (const x of diag) diagonalSquareSum += x * x;
  const P = t.parameters;
  const bounds = boundValues(wolkowiczStyanBounds(t.traceH, t.traceH2, P));
  if (P <= DENSE_TRUTH_MAX_PARAMETERS) {
    const H = denseHessian(model, data, variant, fp);
    const ev = symmetricEigenvalues(H);
    let traceH4 = 0;
    for (const l of ev) traceH4 += l ** 4;
    let squaredDiagonalOfH2Sum = 0;
    for (let i = 0; i < P; i++) {
      let r = 0;
      for (let j = 0; j < P; j++) r += H.data[i * P + j]! ** 2;
      squaredDiagonalOfH2Sum += r * r;
    }
    const byMagnitude = Array.from(ev, Math.abs).sort((a, b) => b - a);
    const exactKurtosis = P <= EXACT_KURTOSIS_MAX_PARAMETERS;
    const kurtosis = (probe: Probe) => (exactKurtosis ? quadraticFormExcessKurtosis(probe, H) : quadraticFormExcessKurtosisBound(probe, byMagnitude[0]!, t.traceH2, diagonalSquareSum));
    return {
      parameters: P,
      traceH: t.traceH,
      traceH2: t.traceH2,
      diagonalSquareSum,
      lambdaMax: ev[P - 1]!,
      lambdaMin: ev[0]!,
      spectrumSource: 'dense',
      lambdaMaxResidual: 0,
      lambdaMinResidual: 0,
      lanczosProducts: 0,
      lanczosConverged: true,
      traceH4,
      squaredDiagonalOfH2Sum,
      powerRatio: P > 1 && byMagnitude[0]! > 0 ? byMagnitude[1]! / byMagnitude[0]! : null,
      dense: { ...matrixTraces(H), diagonalSquareSum: denseDiagonalSquareSum(H) },
      probeKurtosis: { rademacher: kurtosis('rademacher'), gaussian: kurtosis('gaussian'), kind: exactKurtosis ? 'exact' : 'upper bound' },
      bounds,
      seconds: (performance.now() - t0) / 1000,
    };
  }
  const l = lanczosExtremes(op, { k: Math.min(P, LANCZOS_TRUTH_MAX_PRODUCTS), tol: LANCZOS_TRUTH_TOL, seed });
  // ||H||_2 <= max(|lambda|) + residual: the Weyl bound keeps the kurtosis bound an upper bound.
  const rho = Math.max(Math.abs(l.lambdaMax) + l.residualMax, Math.abs(l.lambdaMin) + l.residualMin);
  return {
    parameters: P,
    traceH: t.traceH,
    traceH2: t.traceH2,
    diagonalSquareSum,
    lambdaMax: l.lambdaMax,
    lambdaMin: l.lambdaMin,
    spectrumSource: 'lanczos',
    lambdaMaxResidual: l.residualMax,
    lambdaMinResidual: l.residualMin,
    lanczosProducts: l.iterations,
    lanczosConverged: l.converged,
    traceH4: null,
    squaredDiagonalOfH2Sum: null,
    powerRatio: null,
    dense: null,
    probeKurtosis: {
      rademacher: quadraticFormExcessKurtosisBound('rademacher', rho, t.traceH2, diagonalSquareSum),
      gaussian: quadraticFormExcessKurtosisBound('gaussian', rho, t.traceH2, diagonalSquareSum),
      kind: 'upper bound',
    },
    bounds,
    seconds: (performance.now() - t0) / 1000,
  };
}
