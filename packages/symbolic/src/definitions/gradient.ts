/**
 * The gradient of T1, T2 and the bounds (docs/mathematics.md §5), by reverse mode written out as
 * definitions, the way @hsr/numeric boundGradient.ts evaluates it:
 *
 * 1. seeds: the adjoints of T in its own building blocks, \bar A_n = \partial T/\partial A_n,
 *    \bar C_n, \bar K^z_{nm}, and the direct adjoints \bar S^\circ_n, \bar g^\circ_n,
 *    \bar\varphi'^\circ_n, \bar z^\circ_n of the quantities T also uses outside A_n, C_n, K^z
 *    (eq:trace-seeds; one set for T1, one for T2);
 * 2. push-down through A_n = \varphi'\varphi'(V^\top S_nV) + \mathbb 1_H\,\mathrm{diag}(\delta_n\odot\varphi''),
 *    C_n = S_nVD_n, \delta_n = V^\top g_n and K^z_{nm} = \tilde z_n^\top\tilde z_m to the per-sample primitives;
 * 3. the explicit partials (eq:explicit-partials): r^v_n = \partial T/\partial v_n through g_n and S_n
 *    (with the loss's S_n and \mathcal S_n, so any loss of the loss table), r^u_n the explicit
 *    \partial T/\partial u_n (through \varphi', \varphi'', z), R^V the explicit \partial T/\partial V;
 * 4. the assembly (eq:grad-assembly): \partial T/\partial\tilde V, \partial T/\partial\tilde W
 *    by the chain rule through v_n = \tilde V\tilde z_n and u_n = \tilde W\tilde x_n, as in backprop;
 * 5. \nabla U = \alpha\nabla T_1 + \beta\nabla T_2 (eq:bound-gradient), and likewise the lower and range bounds.
 *
 * The seeds differ between T1 and T2; steps 2–4 are the same formulas for both, instantiated
 * twice (`traceGradient('T1')`, `traceGradient('T2')`) with the same notation.
 */
import { add, augment, define, indicator, mul, num, pow, ref, sum, type Definition, type Expr, type Notation, type TensorSymbol } from '../notation/expression.ts';
import { ALPHA, ALPHA_LOWER, ALPHA_RANGE, BETA, BETA_LOWER, BETA_RANGE } from './bounds.ts';
import { A, C, DELTA, VSV } from './curvature.ts';
import { G, i, ip, j, k, KAPPA, kp, kpp, l, lh, m, n, notation, parameterGradient, ONE_H, ONE_V, ONE_W, PHI1, PHI2, PHI3, S, S3, V, XT, Z, ZT } from './network.ts';
import { CC, KX, KZ, SS, TR_S } from './traces.ts';

export type TraceName = 'T1' | 'T2';

const bar = (latex: string, text: string, extra: Partial<Notation> = {}) => notation(`\\bar ${latex}`, `${text}bar`, extra);
const circ = (latex: string, text: string) => notation(`\\bar ${latex}^{\\circ}`, `${text}bar0`, { decorated: true });

/** The seeds of one trace: the adjoints of T in its building blocks and the direct adjoints. */
export interface TraceSeeds {
  readonly Abar: Definition;
  readonly Cbar: Definition;
  readonly Kzbar: Definition;
  readonly Sbar0: Definition;
  readonly gbar0: Definition;
  readonly phi1bar0: Definition;
  readonly zbar0: Definition;
}

function seeds(tag: TraceName, bodies: { [K in keyof TraceSeeds]: Expr }): TraceSeeds {
  const d = (name: keyof TraceSeeds, indices: readonly (typeof n)[], nt: Notation, meaning: string) => define(`${name}.${tag}`, indices, nt, meaning, bodies[name]);
  return {
    Abar: d('Abar', [n, i, ip], bar('A', 'A'), '$\\partial T/\\partial A_n$ (symmetric)'),
    Cbar: d('Cbar', [n, k, i], bar('C', 'C'), '$\\partial T/\\partial C_n$'),
    Kzbar: d('Kzbar', [n, m], bar('K^z', 'Kz', { decorated: true }), '$\\partial T/\\partial K^z_{nm}$'),
    Sbar0: d('Sbar0', [n, k, kp], circ('S', 'S'), '$\\partial T/\\partial S_n$ where $S_n$ enters $T$ directly'),
    gbar0: d('gbar0', [n, k], circ('g', 'g'), '$\\partial T/\\partial g_n$ where $g_n$ enters $T$ directly'),
    phi1bar0: d('phi1bar0', [n, i], circ("\\varphi'", "phi'"), "$\\partial T/\\partial\\varphi'_n$ where $\\varphi'_n$ enters $T$ directly"),
    zbar0: d('zbar0', [n, i], circ('z', 'z'), '$\\partial T/\\partial z_n$ where $z_n$ enters $T$ directly'),
  };
}

const zero = num(0);
const kappa = ref(KAPPA);
const one = (s: TensorSymbol) => ref(s);

/** T1 = kappa sum_n (1_W K^x_nn tr A_n + 1_V K^z_nn tr S_n). */
export const T1_SEEDS = seeds('T1', {
  Abar: mul(kappa, one(ONE_W), ref(KX, n, n), indicator(i, ip)),
  Cbar: zero,
  Kzbar: mul(kappa, one(ONE_V), indicator(n, m), ref(TR_S, n)),
  Sbar0: mul(kappa, one(ONE_V), ref(KZ, n, n), indicator(k, kp)),
  gbar0: zero,
  phi1bar0: zero,
  zbar0: zero,
});

const k2 = mul(num(2), pow(kappa, 2));
const k4 = mul(num(4), pow(kappa, 2));
const cross = (...f: Expr[]) => mul(k4, one(ONE_W), one(ONE_V), ...f);

/** T2 = kappa^2 sum_nm (1_W (K^x)^2 <A_n,A_m> + 1_V (K^z)^2 <S_n,S_m> + 2 1_W 1_V K^x Gamma_nm). */
export const T2_SEEDS = seeds('T2', {
  Abar: mul(k2, one(ONE_W), sum(m, mul(pow(ref(KX, n, m), 2), ref(A, m, i, ip)))),
  Cbar: cross(sum(m, mul(ref(KX, n, m), add(mul(ref(KZ, n, m), ref(C, m, k, i)), mul(one(ONE_H), ref(G, m, k), ref(PHI1, m, i), ref(Z, n, i)))))),
  Kzbar: mul(k2, add(mul(one(ONE_V), ref(KZ, n, m), ref(SS, n, m)), mul(one(ONE_W), one(ONE_V), ref(KX, n, m), ref(CC, n, m)))),
  Sbar0: mul(k2, one(ONE_V), sum(m, mul(pow(ref(KZ, n, m), 2), ref(S, m, k, kp)))),
  gbar0: cross(one(ONE_H), sum(m, mul(ref(KX, n, m), sum(i, mul(ref(PHI1, n, i), add(mul(ref(C, m, k, i), ref(Z, m, i)), mul(ref(G, m, k), ref(PHI1, m, i)))))))),
  phi1bar0: cross(one(ONE_H), sum(m, mul(ref(KX, n, m), sum(k, mul(ref(G, n, k), add(mul(ref(C, m, k, i), ref(Z, m, i)), mul(ref(G, m, k), ref(PHI1, m, i)))))))),
  zbar0: cross(one(ONE_H), sum(m, mul(ref(KX, n, m), sum(k, mul(ref(G, m, k), ref(C, n, k, i), ref(PHI1, m, i)))))),
});

/** Steps 2–4 for one trace: push-down, explicit partials, assembly. */
export interface TraceGradientDefinitions {
  readonly seeds: TraceSeeds;
  readonly deltabar: Definition;
  readonly Sbar: Definition;
  readonly gbar: Definition;
  readonly phi1bar: Definition;
  readonly phi2bar: Definition;
  readonly zbar: Definition;
  readonly rv: Definition;
  readonly ru: Definition;
  readonly RV: Definition;
  readonly q: Definition;
  readonly gradW: Definition;
  readonly gradV: Definition;
}

function traceGradient(tag: TraceName, s: TraceSeeds): TraceGradientDefinitions {
  const d = (name: string, indices: readonly (typeof n)[], nt: Notation, meaning: string, body: Expr) => define(`${name}.${tag}`, indices, nt, meaning, body);
  const Ab = (a: typeof n, x: typeof i, y: typeof i) => ref(s.Abar, a, x, y);
  const deltabar = d('deltabar', [n, i], bar('\\delta', 'delta'), '$\\partial T/\\partial\\delta_n$ (through the diagonal term of $A_n$)', mul(one(ONE_H), Ab(n, i, i), ref(PHI2, n, i)));
  const Sbar = d(
    'Sbar',
    [n, k, kp],
    bar('S', 'S'),
    '$\\partial T/\\partial S_n$: directly, through $A_n$ and through $C_n$',
    add(ref(s.Sbar0, n, k, kp), sum([i, ip], mul(Ab(n, i, ip), ref(PHI1, n, i), ref(PHI1, n, ip), ref(V, k, i), ref(V, kp, ip))), sum(i, mul(ref(s.Cbar, n, k, i), ref(V, kp, i), ref(PHI1, n, i)))),
  );
  const gbar = d('gbar', [n, k], bar('g', 'g'), '$\\partial T/\\partial g_n$: directly and through $\\delta_n$', add(ref(s.gbar0, n, k), sum(i, mul(ref(deltabar, n, i), ref(V, k, i)))));
  const phi1bar = d(
    'phi1bar',
    [n, i],
    bar("\\varphi'", "phi'", { decorated: true }),
    "$\\partial T/\\partial\\varphi'_n$: directly, through $A_n$ and through $C_n$",
    add(ref(s.phi1bar0, n, i), mul(num(2), sum(ip, mul(Ab(n, i, ip), ref(PHI1, n, ip), ref(VSV, n, i, ip)))), sum([k, kp], mul(ref(s.Cbar, n, k, i), ref(S, n, k, kp), ref(V, kp, i)))),
  );
  const phi2bar = d('phi2bar', [n, i], bar("\\varphi''", "phi''", { decorated: true }), "$\\partial T/\\partial\\varphi''_n$ (through the diagonal term of $A_n$)", mul(one(ONE_H), Ab(n, i, i), ref(DELTA, n, i)));
  const zbar = d('zbar', [n, i], bar('z', 'z'), '$\\partial T/\\partial z_n$: directly and through $K^z$', add(ref(s.zbar0, n, i), sum(m, mul(add(ref(s.Kzbar, n, m), ref(s.Kzbar, m, n)), ref(Z, m, i)))));
  const rv = d(
    'rv',
    [n, kpp],
    notation('r^v', 'r^v', { decorated: true }),
    '$\\partial T/\\partial v_n$ through $g_n$ and $S_n$ (any loss: $\\partial g/\\partial v = S$, $\\partial S/\\partial v = \\mathcal S$)',
    add(sum(k, mul(ref(gbar, n, k), ref(S, n, k, kpp))), sum([k, kp], mul(ref(Sbar, n, k, kp), ref(S3, n, k, kp, kpp)))),
  );
  const ru = d(
    'ru',
    [n, i],
    notation('r^u', 'r^u', { decorated: true }),
    "explicit $\\partial T/\\partial u_n$ (through $\\varphi'_n$, $\\varphi''_n$ and $z_n$; $\\varphi'''$ enters here)",
    add(mul(ref(phi1bar, n, i), ref(PHI2, n, i)), mul(ref(phi2bar, n, i), ref(PHI3, n, i)), mul(ref(zbar, n, i), ref(PHI1, n, i))),
  );
  const RV = d(
    'RV',
    [k, i],
    notation('R^V', 'R^V', { decorated: true }),
    'explicit $\\partial T/\\partial V$ (through $A_n$, $C_n$ and $\\delta_n$)',
    sum(
      n,
      add(
        mul(num(2), sum([ip, kp], mul(Ab(n, i, ip), ref(PHI1, n, i), ref(PHI1, n, ip), ref(S, n, k, kp), ref(V, kp, ip)))),
        sum(kp, mul(ref(s.Cbar, n, kp, i), ref(S, n, kp, k), ref(PHI1, n, i))),
        mul(ref(deltabar, n, i), ref(G, n, k)),
      ),
    ),
  );
  const q = d('q', [n, i], notation('q', 'q'), 'total $\\partial T/\\partial u_n$', add(ref(ru, n, i), mul(ref(PHI1, n, i), sum(k, mul(ref(V, k, i), ref(rv, n, k))))));
  const T = tag === 'T1' ? 'T_1' : 'T_2';
  const gradW = d('gradW', [i, j], parameterGradient('\\tilde W', 'W~', T, tag), `$\\partial ${T}/\\partial\\tilde W_{ij}$`, sum(n, mul(ref(q, n, i), ref(XT, n, j))));
  const gradV = d('gradV', [k, l], parameterGradient('\\tilde V', 'V~', T, tag), `$\\partial ${T}/\\partial\\tilde V_{kl}$`, add(augment(l, lh, ref(RV, k, lh), zero), sum(n, mul(ref(rv, n, k), ref(ZT, n, l)))));
  return { seeds: s, deltabar, Sbar, gbar, phi1bar, phi2bar, zbar, rv, ru, RV, q, gradW, gradV };
}

export const T1_GRADIENT = traceGradient('T1', T1_SEEDS);
export const T2_GRADIENT = traceGradient('T2', T2_SEEDS);

/** The gradient of a bound B with dB/dT1 = alpha, dB/dT2 = beta, as (W~, V~) tensors. */
function boundGradient(name: string, latex: string, text: string, alpha: Definition, beta: Definition): { W: Definition; V: Definition } {
  return {
    W: define(
      `${name}W`,
      [i, j],
      parameterGradient('\\tilde W', 'W~', latex, text),
      `$\\partial ${latex}/\\partial\\tilde W_{ij}$`,
      add(mul(ref(alpha), ref(T1_GRADIENT.gradW, i, j)), mul(ref(beta), ref(T2_GRADIENT.gradW, i, j))),
    ),
    V: define(
      `${name}V`,
      [k, l],
      parameterGradient('\\tilde V', 'V~', latex, text),
      `$\\partial ${latex}/\\partial\\tilde V_{kl}$`,
      add(mul(ref(alpha), ref(T1_GRADIENT.gradV, k, l)), mul(ref(beta), ref(T2_GRADIENT.gradV, k, l))),
    ),
  };
}

export const UPPER_GRADIENT = boundGradient('gradU', 'U', 'U', ALPHA, BETA);
export const LOWER_GRADIENT = boundGradient('gradLower', '\\lambda^{\\min}_{\\mathrm{lo}}', 'lambda_min_lo', ALPHA_LOWER, BETA_LOWER);
export const RANGE_GRADIENT = boundGradient('gradRange', '\\Delta_{\\mathrm{up}}', 'range_up', ALPHA_RANGE, BETA_RANGE);
