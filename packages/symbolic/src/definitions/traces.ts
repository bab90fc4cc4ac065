/**
 * The closed forms T1 = tr H and T2 = tr H^2 = ||H||_F^2 (docs/mathematics.md §4, eq:trace-h,
 * eq:trace-h2, eq:gamma-nm) from the per-sample curvature and the Gram matrices of the layer
 * inputs, never from a P x P matrix. The Gram matrices and the pair inner products are named
 * blocks per layer, so a deeper network adds its own without changing these.
 */
import { add, define, mul, num, pow, ref, sum, type Expr } from '../notation/expression.ts';
import { A, C } from './curvature.ts';
import { G, i, ip, j, k, KAPPA, kp, l, m, n, notation, ONE_H, ONE_V, ONE_W, PHI1, S, XT, Z, ZT } from './network.ts';

export const KX = define('Kx', [n, m], notation('K^x', 'K^x', { decorated: true }), 'Gram matrix of the (augmented) inputs, $\\tilde x_n^\\top\\tilde x_m$', sum(j, mul(ref(XT, n, j), ref(XT, m, j))));
export const KZ = define('Kz', [n, m], notation('K^z', 'K^z', { decorated: true }), 'Gram matrix of the (augmented) hidden activations, $\\tilde z_n^\\top\\tilde z_m$', sum(l, mul(ref(ZT, n, l), ref(ZT, m, l))));

export const TR_A = define(
  'trA',
  [n],
  notation(
    (ix) => `\\mathrm{tr}\\,A_{${ix[0]}}`,
    (ix) => `tr A[${ix[0]}]`,
  ),
  'trace of $A_n$',
  sum(i, ref(A, n, i, i)),
);
export const TR_S = define(
  'trS',
  [n],
  notation(
    (ix) => `\\mathrm{tr}\\,S_{${ix[0]}}`,
    (ix) => `tr S[${ix[0]}]`,
  ),
  'trace of $S_n$',
  sum(k, ref(S, n, k, k)),
);

export const T1 = define('T1', [], notation('T_1', 'T1'), '$\\mathrm{tr}H$ of the block', mul(ref(KAPPA), sum(n, add(mul(ref(ONE_W), ref(KX, n, n), ref(TR_A, n)), mul(ref(ONE_V), ref(KZ, n, n), ref(TR_S, n))))));

/** A definition over the sample pair (n, m) written <X_n, X_m> (a Frobenius inner product); shared with deep.ts. */
export const inner = (name: string, latexSym: string, textSym: string, meaning: string, body: Expr) =>
  define(
    name,
    [n, m],
    notation(
      (ix) => `\\langle ${latexSym}_{${ix[0]}}, ${latexSym}_{${ix[1]}}\\rangle`,
      (ix) => `<${textSym}[${ix[0]}],${textSym}[${ix[1]}]>`,
    ),
    meaning,
    body,
  );

export const AA = inner('AA', 'A', 'A', 'Frobenius inner product of $A_n$ and $A_m$', sum([i, ip], mul(ref(A, n, i, ip), ref(A, m, i, ip))));
export const SS = inner('SS', 'S', 'S', 'Frobenius inner product of $S_n$ and $S_m$', sum([k, kp], mul(ref(S, n, k, kp), ref(S, m, k, kp))));
export const CC = inner('CC', 'C', 'C', 'Frobenius inner product $\\mathrm{tr}(C_n^\\top C_m)$', sum([k, i], mul(ref(C, n, k, i), ref(C, m, k, i))));

/** The cross-block pair term: ||H_WV||_F^2 = kappa^2 sum_nm K^x_nm Gamma_nm. */
export const GAMMA = define(
  'Gamma',
  [n, m],
  notation('\\Gamma', 'Gamma'),
  'cross-block pair term',
  add(
    mul(ref(KZ, n, m), ref(CC, n, m)),
    mul(
      ref(ONE_H),
      sum(
        [k, i],
        add(mul(ref(G, m, k), ref(C, n, k, i), ref(PHI1, m, i), ref(Z, n, i)), mul(ref(G, n, k), ref(C, m, k, i), ref(PHI1, n, i), ref(Z, m, i)), mul(ref(G, n, k), ref(G, m, k), ref(PHI1, n, i), ref(PHI1, m, i))),
      ),
    ),
  ),
);

export const T2 = define(
  'T2',
  [],
  notation('T_2', 'T2'),
  '$\\mathrm{tr}H^2 = \\|H\\|_F^2$ of the block',
  mul(
    pow(ref(KAPPA), 2),
    sum([n, m], add(mul(ref(ONE_W), pow(ref(KX, n, m), 2), ref(AA, n, m)), mul(ref(ONE_V), pow(ref(KZ, n, m), 2), ref(SS, n, m)), mul(num(2), ref(ONE_W), ref(ONE_V), ref(KX, n, m), ref(GAMMA, n, m)))),
  ),
);
