/**
 * An orthonormal basis Q of the span of k vectors y_0..y_{k-1} of length P (stored as rows),
 * in order, for the sketching estimators (Hutch++, XTrace): block classical Gram–Schmidt with
 * reorthogonalisation (BCGS2: every panel of PANEL vectors is projected out of the basis so
 * far twice, then orthonormalised within itself by CGS2; "twice is enough", Giraud et al. 2005;
 * Barlow & Smoktunowicz 2013). The projections are matrix-matrix products on numeric's row
 * kernels (parallel/kernels.ts), so the O(P k^2) work runs at Gram-matrix speed rather than
 * one vector at a time.
 *
 * Because the vectors are taken in order, the basis of the first j vectors is the first
 * `prefixRank[j]` rows of Q: one factorisation serves every budget of a nested run.
 * With R the k x k coefficient matrix (R[i * k + j] = q_i . y_j over the accepted rows i),
 * y_j = sum_i R_ij q_i up to round-off: Y^T = Q^T R, a thin QR factorisation.
 *
 * A vector whose remainder after both passes is below DEPENDENT_RTOL of its own norm is
 * numerically in the span of the earlier ones: it is dropped (no row of Q, prefixRank does not
 * grow), so a rank-r sketch yields exactly r rows and k > P yields at most P.
 * Cost O(P k^2) (four k x k x P products over the two passes); memory: Q overwrites Y in place.
 * Verified by `estimators/orthonormalize.test.ts` (Q Q^T = I, Y^T = Q^T R, rank-deficient and
 * k > P inputs, prefix property).
 */
import { rowDotProducts, weightedRowSums } from '../parallel/kernels.ts';
import { dot } from '../lanczos.ts';

/**
 * Remainder / norm below which a vector counts as dependent. A vector exactly in the span
 * comes out of two passes at O(k eps) ~ 1e-13 relative for k <= 1000; 1e-10 separates those
 * from genuine directions with three orders of margin, and the normalised remainder of a
 * kept vector then loses at most eps / 1e-10 ~ 2e-6 of orthogonality before the second pass
 * restores it to O(eps).
 */
export const DEPENDENT_RTOL = 1e-10;

/** Vectors per panel: 16 rows of P doubles are reused from cache across the block products. */
const PANEL = 16;

export interface Orthonormalized {
  /** Rows [0, rank) of the input array, overwritten by the orthonormal basis. */
  readonly Q: Float64Array;
  readonly rank: number;
  /** prefixRank[j] = rows of Q spanning the first j input vectors (length k + 1). */
  readonly prefixRank: Int32Array;
  /** k x k: R[i * k + j] = q_i . y_j (i < rank), so y_j = sum_i R_ij q_i. */
  readonly R: Float64Array;
}

/**
 * Orthonormalise the k rows of Y (k x P, row-major) in place (see the module comment).
 * `Y` is returned as `Q`; its rows from `rank` on are left as scratch.
 */
export function orthonormalizeRows(Y: Float64Array, k: number, P: number): Orthonormalized {
  if (Y.length < k * P) throw new RangeError(`orthonormalizeRows: ${k} rows of ${P} need ${k * P} values, got ${Y.length}`);
  const R = new Float64Array(k * k);
  const prefixRank = new Int32Array(k + 1);
  const norms = new Float64Array(k);
  for (let j = 0; j < k; j++) norms[j] = Math.sqrt(dot(Y.subarray(j * P, (j + 1) * P), Y.subarray(j * P, (j + 1) * P)));
  let rank = 0;
  const C = new Float64Array(PANEL * k);
  const negC = new Float64Array(PANEL * k);
  for (let p0 = 0; p0 < k; p0 += PANEL) {
    const p1 = Math.min(k, p0 + PANEL);
    const b = p1 - p0;
    const panel = Y.subarray(p0 * P, p1 * P);
    if (rank > 0) {
      for (let pass = 0; pass < 2; pass++) {
        // C = panel Q^T (b x rank); panel -= C Q; R[i, j] += C[j, i].
        C.fill(0, 0, b * rank);
        rowDotProducts(panel, Y, C, rank, rank, P, 0, b, false);
        for (let t = 0; t < b * rank; t++) negC[t] = -C[t]!;
        weightedRowSums(negC, rank, Y, rank, P, panel, 0, b);
        for (let jj = 0; jj < b; jj++) for (let i = 0; i < rank; i++) R[i * k + p0 + jj]! += C[jj * rank + i]!;
      }
    }
    // Within the panel, one vector at a time against the rows accepted from this panel.
    const firstInPanel = rank;
    for (let jj = 0; jj < b; jj++) {
      const j = p0 + jj;
      const y = Y.subarray(j * P, (j + 1) * P);
      for (let pass = 0; pass < 2; pass++)
        for (let i = firstInPanel; i < rank; i++) {
          const q = Y.subarray(i * P, (i + 1) * P);
          const c = dot(q, y);
          for (let t = 0; t < P; t++) y[t]! -= c * q[t]!;
          R[i * k + j]! += c;
        }
      const remainder = Math.sqrt(dot(y, y));
      if (remainder > DEPENDENT_RTOL * norms[j]! && rank < P) {
        const target = Y.subarray(rank * P, (rank + 1) * P);
        for (let t = 0; t < P; t++) target[t] = y[t]! / remainder;
        R[rank * k + j] = remainder;
        rank++;
      }
      prefixRank[j + 1] = rank;
    }
  }
  return { Q: Y, rank, prefixRank, R };
}
