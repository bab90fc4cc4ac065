/**
 * The extreme eigenvalues lambda_max and lambda_min of the Hessian (or its Gauss–Newton part)
 * of any block, from closed-form Hessian-vector products (hessianVectorProduct.ts), where
 * the dense P x P matrix cannot be formed.
 *
 * eq:lanczos (Lanczos 1950; Golub & Van Loan, Matrix Computations, 4th ed., §10.1)
 *   \beta_j q_{j+1} = H q_j - \alpha_j q_j - \beta_{j-1}q_{j-1},\quad \alpha_j = q_j^\top Hq_j,
 *   T_k = \mathrm{tridiag}(\beta, \alpha, \beta) = Q_k^\top H Q_k,
 * with FULL reorthogonalisation (classical Gram–Schmidt against every earlier q_i, applied
 * twice: "twice is enough", Giraud et al. 2005) so no ghost copies of converged eigenvalues
 * appear. The Ritz values theta_i of T_k (implicit QL, tracking only the last row of the
 * eigenvector matrix) interlace the spectrum; the residual of a Ritz pair is
 * \|H y_i - \theta_i y_i\| = \beta_k |s_{k,i}|, and by Weyl's theorem there is an eigenvalue of H
 * within that distance of theta_i. We stop when the residuals of both extreme Ritz pairs are
 * <= tol * max(|theta_max|, |theta_min|), after k products, or when beta_k vanishes (the Krylov
 * space is invariant: its Ritz values are exact eigenvalues; the start vector is random, so
 * it has a component along the extreme eigenvectors with probability 1).
 * Cost per iteration: one H v (O(N(h d + c h))) plus O(jP) for the reorthogonalisation and
 * O(j^2) for the Ritz values; memory O(kP) for the basis (at 784-128-10, P ~ 1e5: 0.8 MB per vector).
 * Verified by `lanczos.test.ts` (lambda_max and lambda_min against the dense symmetric
 * eigensolver on every block x curvature).
 */
import { hessianOperator, type HessianOperator } from './hessianVectorProduct.ts';
import { createRng } from './random.ts';
import type { Dataset, Model, Variant } from './types.ts';

export interface LanczosOptions {
  /** Maximum number of Lanczos vectors (Hessian-vector products); default min(P, 120). */
  readonly k?: number;
  /** Relative residual at which both extremes count as converged; default 1e-8. */
  readonly tol?: number;
  /** Seed of the random start vector; default 0. */
  readonly seed?: number;
}

export interface ExtremeEigenvalues {
  readonly lambdaMax: number;
  readonly lambdaMin: number;
  /** Hessian-vector products used. */
  readonly iterations: number;
  /** Both extreme residuals reached tol (or the Krylov space became invariant). */
  readonly converged: boolean;
  /** Residual bounds beta_k |s_{k,i}| of the two extreme Ritz pairs. */
  readonly residualMax: number;
  readonly residualMin: number;
}

/**
 * Eigenvalues (ascending) of the symmetric tridiagonal matrix with diagonal `alpha` and
 * off-diagonal `beta` (beta[i] couples i and i+1), and the last component of each
 * (normalised) eigenvector. Implicit QL with Wilkinson-style shifts (EISPACK tql2, as in
 * JAMA), accumulating the rotations into the last row of the eigenvector matrix only: O(n^2).
 */
export function tridiagonalEigen(alpha: ArrayLike<number>, beta: ArrayLike<number>): { values: Float64Array; lastRow: Float64Array } {
  const n = alpha.length;
  const d = Float64Array.from(alpha);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = beta[i]!;
  const z = new Float64Array(n);
  if (n > 0) z[n - 1] = 1;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60 * n) throw new Error('tridiagonalEigen: no convergence');
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let hh = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= hh;
        f += hh;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          hh = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = hh + s * (c * g + s * d[i]!);
          const zi1 = z[i + 1]!;
          z[i + 1] = s * z[i]! + c * zi1;
          z[i] = c * z[i]! - s * zi1;
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a]! - d[b]!);
  return { values: Float64Array.from(order, (i) => d[i]!), lastRow: Float64Array.from(order, (i) => z[i]!) };
}

/** a . b, summed in index order (shared with the stochastic estimators). */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Lanczos with full reorthogonalisation on any symmetric operator (eq:lanczos). */
export function lanczosExtremes(op: HessianOperator, options: LanczosOptions = {}): ExtremeEigenvalues {
  const P = op.size;
  if (P < 1) throw new RangeError('the operator has dimension 0');
  const kMax = Math.min(P, options.k ?? 120);
  if (!(kMax >= 1)) throw new RangeError(`k must be >= 1, got ${options.k}`);
  const tol = options.tol ?? 1e-8;
  const rng = createRng(options.seed ?? 0);
  const Q: Float64Array[] = [];
  let q = Float64Array.from({ length: P }, () => rng.normal());
  const n0 = Math.sqrt(dot(q, q));
  for (let i = 0; i < P; i++) q[i]! /= n0;
  const alpha: number[] = [];
  const beta: number[] = [];
  const w = new Float64Array(P);
  let result: ExtremeEigenvalues = { lambdaMax: NaN, lambdaMin: NaN, iterations: 0, converged: false, residualMax: Infinity, residualMin: Infinity };
  for (let j = 0; j < kMax; j++) {
    Q.push(q);
    op.apply(q, w);
    const a = dot(q, w);
    alpha.push(a);
    // Full reorthogonalisation, twice; it subsumes the three-term recurrence.
    for (let pass = 0; pass < 2; pass++)
      for (const qi of Q) {
        const c = dot(qi, w);
        for (let i = 0; i < P; i++) w[i]! -= c * qi[i]!;
      }
    const b = Math.sqrt(dot(w, w));
    const { values, lastRow } = tridiagonalEigen(alpha, beta);
    const top = values.length - 1;
    const scale = Math.max(Math.abs(values[0]!), Math.abs(values[top]!));
    const resMax = b * Math.abs(lastRow[top]!);
    const resMin = b * Math.abs(lastRow[0]!);
    const invariant = !(b > 64 * 2 ** -52 * Math.max(scale, Number.MIN_VALUE));
    const converged = invariant || j + 1 === P || (resMax <= tol * scale && resMin <= tol * scale);
    result = { lambdaMax: values[top]!, lambdaMin: values[0]!, iterations: j + 1, converged, residualMax: invariant ? 0 : resMax, residualMin: invariant ? 0 : resMin };
    if (converged) break;
    beta.push(b);
    q = new Float64Array(P);
    for (let i = 0; i < P; i++) q[i] = w[i]! / b;
  }
  return result;
}

/**
 * lambda_max and lambda_min of the block's Hessian (or Gauss–Newton matrix) by Lanczos on
 * closed-form Hessian-vector products (eq:lanczos, eq:hessian-vector-product).
 */
export function extremeEigenvalues(model: Model, data: Dataset, variant: Variant, options: LanczosOptions = {}): ExtremeEigenvalues {
  return lanczosExtremes(hessianOperator(model, data, variant), options);
}
