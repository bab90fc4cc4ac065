/**
 * The curvature metrics at any P, where the dense P x P Hessian cannot be formed: the extreme
 * eigenvalues by Lanczos on the closed-form Hessian-vector product (lanczos.ts, eq:lanczos,
 * with the residual bound of each extreme Ritz pair), and the negative part of the spectrum
 * by stochastic Lanczos quadrature.
 *
 * Stochastic Lanczos quadrature (Golub & Meurant 2010, "Matrices, Moments and Quadrature",
 * ch. 7; Ubaru, Chen & Saad 2017, SIAM J. Matrix Anal. Appl. 38(4), Eq. 2.6): for a unit
 * start vector q, m Lanczos steps give T_m = Y diag(theta) Y^T, and
 *   q^\top f(H) q \approx \sum_{k=1}^{m} \tau_k^2 f(\theta_k),\quad \tau_k = Y_{1k}
 * is the m-node Gauss quadrature of the spectral measure of H seen from q (exact for
 * polynomials of degree <= 2m - 1, and exact outright once the Krylov space is invariant or
 * m = P). With q uniform on the sphere (a normalised Gaussian), E[q^T f(H) q] = tr f(H) / P.
 * The negative mass of metrics.ts, \sum_{\lambda_i<-\tau}|\lambda_i| / \sum_i|\lambda_i|, is the
 * ratio of two such traces, f_-(x) = |x| [x < -tau] and f(x) = |x|; over n_v probes
 *   \hat r = \sum_l A_l / \sum_l D_l,\quad A_l = \sum_k \tau_{lk}^2 f_-(\theta_{lk}),\ D_l = \sum_k \tau_{lk}^2 |\theta_{lk}|,
 * with the error bar the delta-method standard error of a ratio of means,
 *   \mathrm{se}(\hat r) = \sqrt{\sum_l (A_l - \hat r D_l)^2 / (n_v (n_v - 1))} \big/ \bar D,
 * which covers the sampling error of the probes (the quadrature error is separate; its
 * size on a small case is tolerances.ts SLQ_QUADRATURE_ATOL). tau is NEGATIVE_EIGENVALUE_RTOL
 * (the caller's, NEGATIVE_EIGENVALUE_RTOL) times the largest |lambda| known (the Lanczos extremes), as for the dense count.
 *
 * The quadrature needs T_m, which lanczosExtremes does not return; it is read off the
 * operator instead: lanczosExtremes applies H to its orthonormal basis q_0, q_1, ... in order,
 * so T_{jj} = q_j^T H q_j and T_{j+1,j} = q_{j+1}^T H q_j are two dot products per product
 * (`recordingOperator`). Same Lanczos, full reorthogonalisation included, no second copy.
 * Cost per probe: m products, O(m^2 P) reorthogonalisation. Verified by
 * `training/spectrum.test.ts` (against the dense spectrum of small networks).
 */
import type { HessianOperator } from '../hessianVectorProduct.ts';
import { dot, lanczosExtremes, tridiagonalEigen } from '../lanczos.ts';

/** Residual tolerance of the metrics' Lanczos extremes, relative to max(|lambda_max|, |lambda_min|). */
export const METRICS_LANCZOS_TOL = 1e-8;
/** Most Lanczos vectors of the extremes run (each one H v and a P-vector of memory). */
export const METRICS_LANCZOS_MAX_STEPS = 300;
/**
 * Probes of the quadrature: 4 (the extremes run is the first, three more with their own
 * seeds), each SLQ_STEPS products; at 784-128-10 on 1000 samples one product takes ~0.1 s, so
 * the negative mass costs ~10 s a metrics epoch. Four probes give a standard error, not a tight one:
 * the record carries it.
 */
export const SLQ_PROBES = 4;
/** Lanczos steps (Gauss nodes) per further probe. */
export const SLQ_STEPS = 30;

/** An operator that records the Lanczos tridiagonal as lanczosExtremes builds it. */
export function recordingOperator(op: HessianOperator): { operator: HessianOperator; tridiagonal(): { alpha: number[]; beta: number[] } } {
  let previousOut: Float64Array | null = null;
  const alpha: number[] = [];
  const beta: number[] = [];
  return {
    operator: {
      size: op.size,
      apply(v, out) {
        if (previousOut) beta.push(dot(v, previousOut));
        const w = op.apply(v, out);
        alpha.push(dot(v, w));
        previousOut = w.slice();
        return w;
      },
    },
    tridiagonal: () => ({ alpha: alpha.slice(), beta: beta.slice() }),
  };
}

/** Gauss nodes theta_k and weights tau_k^2 of a Lanczos tridiagonal (first components via the reversed matrix). */
export function gaussQuadrature(alpha: readonly number[], beta: readonly number[]): { nodes: Float64Array; weights: Float64Array } {
  // Reversing the order of a tridiagonal matrix permutes its eigenvectors' entries, so the last
  // row of the reversed problem is the first row of the original.
  const { values, lastRow } = tridiagonalEigen(alpha.slice().reverse(), beta.slice(0, alpha.length - 1).reverse());
  return { nodes: values, weights: Float64Array.from(lastRow, (y) => y * y) };
}

export interface NegativeMassEstimate {
  /** \hat r of the module comment. */
  readonly negativeMass: number;
  /** Its standard error over the probes (0 when every probe's quadrature is exact and they agree). */
  readonly standardError: number;
  readonly probes: number;
}

/** Per-probe (A_l, D_l) of the module comment for Gauss nodes and weights, with threshold tau. */
export function probeMasses(nodes: ArrayLike<number>, weights: ArrayLike<number>, tau: number): { negative: number; total: number } {
  let negative = 0;
  let total = 0;
  for (let k = 0; k < nodes.length; k++) {
    const a = Math.abs(nodes[k]!) * weights[k]!;
    total += a;
    if (nodes[k]! < -tau) negative += a;
  }
  return { negative, total };
}

/** \hat r and its standard error from per-probe masses. */
export function ratioOfMeans(masses: readonly { negative: number; total: number }[]): NegativeMassEstimate {
  const n = masses.length;
  let sa = 0;
  let sd = 0;
  for (const m of masses) {
    sa += m.negative;
    sd += m.total;
  }
  if (!(sd > 0)) return { negativeMass: 0, standardError: 0, probes: n };
  const r = sa / sd;
  let ss = 0;
  for (const m of masses) ss += (m.negative - r * m.total) ** 2;
  const se = n > 1 ? Math.sqrt(ss / (n * (n - 1))) / (sd / n) : Infinity;
  return { negativeMass: r, standardError: se, probes: n };
}

export interface LanczosSpectrum {
  readonly lambdaMax: number;
  readonly lambdaMin: number;
  readonly residualMax: number;
  readonly residualMin: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly negative: NegativeMassEstimate;
}

export interface LanczosSpectrumOptions {
  readonly seed?: number;
  readonly probes?: number;
  readonly steps?: number;
  readonly tol?: number;
  readonly maxSteps?: number;
  /** tau / max|lambda| (metrics.ts NEGATIVE_EIGENVALUE_RTOL). */
  readonly negativeRtol: number;
}

/**
 * lambda_max, lambda_min (with residual bounds) and the SLQ negative mass of `op`. The first
 * probe is the extremes run itself; probes 2.. use seeds seed + 1, ... and `steps` nodes.
 */
export function lanczosSpectrum(op: HessianOperator, options: LanczosSpectrumOptions): LanczosSpectrum {
  const seed = options.seed ?? 0;
  const probes = options.probes ?? SLQ_PROBES;
  const steps = options.steps ?? SLQ_STEPS;
  const first = recordingOperator(op);
  const ext = lanczosExtremes(first.operator, { k: options.maxSteps ?? METRICS_LANCZOS_MAX_STEPS, tol: options.tol ?? METRICS_LANCZOS_TOL, seed });
  const tau = options.negativeRtol * Math.max(Math.abs(ext.lambdaMax), Math.abs(ext.lambdaMin));
  const tri = [first.tridiagonal()];
  for (let l = 1; l < probes; l++) {
    const rec = recordingOperator(op);
    // tol 0: run all `steps` (it stops earlier only on an invariant Krylov space, where the quadrature is exact).
    lanczosExtremes(rec.operator, { k: steps, tol: 0, seed: seed + l });
    tri.push(rec.tridiagonal());
  }
  const masses = tri.map(({ alpha, beta }) => {
    const { nodes, weights } = gaussQuadrature(alpha, beta);
    return probeMasses(nodes, weights, tau);
  });
  return {
    lambdaMax: ext.lambdaMax,
    lambdaMin: ext.lambdaMin,
    residualMax: ext.residualMax,
    residualMin: ext.residualMin,
    converged: ext.converged,
    iterations: ext.iterations,
    negative: ratioOfMeans(masses),
  };
}
