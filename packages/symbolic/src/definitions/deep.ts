/**
 * Networks of any depth (docs/mathematics.md §9) as executable definitions: one step of each
 * recursion, written for a generic layer l (or a pair of layers l > l'), over the ranges of that
 * layer (n_l inputs, m_l outputs, m_{l+1} outputs of the layer above, m_{l'} outputs of a lower
 * layer; notation/expression.ts `DeepExtent`). The notation has no recursion, so a step reads the
 * step before it as an input (\Lambda^{l+1}_n, \delta^{l+1}_n, F^{l-1,l'}_n, \mathcal R\delta^{l+1}_n, the
 * layer's input \tilde a^l_n); the sweep (verification/deep.ts) evaluates the steps layer by layer,
 * feeding each the values the definitions themselves produced for the step before, from the
 * data \tilde a^0_n = [x_n; 1] and the loss's g_n, S_n at the last layer (eq:loss-table), so the
 * whole chain on a concrete network of depth L is the definitions' and nothing else.
 *
 * Sums over the layers of a block B read the per-layer terms as inputs \tau^l (each the value of
 * its own definition on that layer's ranges), with the block's selector \mathbb 1_B^l.
 */
import { add, apply, augment, define, index, indicator, input, mul, num, pow, ref, sum, type Definition } from '../notation/expression.ts';
import { KAPPA, m, n, notation, ONE_H } from './network.ts';
import { inner } from './traces.ts';

// Indices of a layer step (each letter keeps its range within this file).
const i = index('i', 'ml');
const ip = index("i'", 'ml');
const im = index('i', 'mlt');
const j = index('j', 'nlt');
const jp = index("j'", 'nlt');
const jn = index('j', 'nl');
const k = index('k', 'mu');
const kp = index("k'", 'mu');
const r = index('r', 'mq');
const s = index('s', 'nqt');
const l = index('l', 'layer');
const lp = index("l'", 'layer');

const sup = (base: string, text: string) => notation(base, text, { decorated: true });
/** A base that carries a subscript of its own (\tilde W_l): braced, so the indices can follow. */
const subscripted = (base: string, text: string) =>
  notation(
    (ix) => (ix.length ? `{${base}}_{${ix.join('')}}` : base),
    (ix) => (ix.length ? `${text}[${ix.join(',')}]` : text),
    { decorated: true },
  );

// ---- inputs of a step --------------------------------------------------------------------------
export const DEEP_WEIGHTS = input(
  'DWt',
  ['ml', 'nlt'],
  subscripted('\\tilde W_l', 'W~_l'),
  '$[W_l \\mid b_l]$: weights and biases of layer $l$ ($m_l \\times \\tilde n_l$; $\\tilde W_0 = [W \\mid b]$, $\\tilde W_{L-1} = [V \\mid a]$ at $L = 2$)',
);
export const DEEP_INPUT = input('Da', ['N', 'nlt'], sup('\\tilde a^l', 'a~^l'), 'augmented input of layer $l$: $\\tilde a^0_n = [x_n; 1]$, then $\\tilde a^{l+1}_n$ of the layer below (without biases, no trailing 1)');
export const DEEP_WEIGHTS_UP = input('DWn', ['mu', 'mlt'], subscripted('\\tilde W_{l+1}', 'W~_(l+1)'), 'weights and biases of the layer above, $m_{l+1} \\times \\tilde m_l$ (its first $m_l$ columns are $W_{l+1}$)');
export const DEEP_DELTA_UP = input('Ddu', ['N', 'mu'], sup('\\delta^{l+1}', 'delta^(l+1)'), 'backpropagated error of the layer above (the step before, eq:deep-loss-gradient)');
export const DEEP_LAMBDA_UP = input('DLu', ['N', 'mu', 'mu'], sup('\\Lambda^{l+1}', 'Lambda^(l+1)'), 'output curvature of the layer above (the step before, eq:deep-lambda)');
export const DEEP_G = input('Dg', ['N', 'ml'], notation('g', 'g'), 'output error $\\partial\\ell_n/\\partial v_n$ of the loss table at the logits $v_n = u^{L-1}_n$ ($m_{L-1} = c$)');
export const DEEP_S = input('DS', ['N', 'ml', 'ml'], notation('S', 'S'), 'output curvature $\\partial^2\\ell_n/\\partial v_n^2$ of the loss table at the logits $v_n = u^{L-1}_n$');
export const DEEP_F_BELOW = input('DFp', ['N', 'nl', 'mq'], sup("F^{l-1,l'}", "F^(l-1,l')"), "$\\partial u^{l-1}_n/\\partial u^{l'}_n$, the step before ($F^{l',l'} = I$)");
export const DEEP_PHI1_BELOW = input('Dphiin', ['N', 'nl'], subscripted("\\varphi_{l-1}'", "phi'_(l-1)"), "$\\varphi_{l-1}'(u^{l-1}_n)$: the activation's derivative at layer $l$'s input");
export const DEEP_INPUT_LOWER = input('Daq', ['N', 'nqt'], sup("\\tilde a^{l'}", "a~^l'"), "augmented input of the lower layer $l'$");
export const DEEP_DIRECTION = input('DVl', ['ml', 'nlt'], subscripted('V_l', 'V_l'), "layer $l$'s part of the direction $v$ (shaped like $\\tilde W_l$; zero outside the block)");
export const DEEP_DIRECTION_UP = input('DVn', ['mu', 'mlt'], subscripted('V_{l+1}', 'V_(l+1)'), 'the direction of the layer above (its first $m_l$ columns)');
export const DEEP_R_INPUT = input('DRa', ['N', 'nl'], sup('\\mathcal Ra^l', 'Ra^l'), 'change of the layer input along $v$ (the step before; $0$ at the lowest layer of the block)');
export const DEEP_R_DELTA_UP = input('DRdu', ['N', 'mu'], sup('\\mathcal R\\delta^{l+1}', 'Rdelta^(l+1)'), 'change of $\\delta^{l+1}_n$ along $v$ (the step before)');
export const DEEP_BLOCK = input(
  'DB',
  ['layer'],
  notation(
    (ix) => `\\mathbb 1_B^{${ix[0]}}`,
    (ix) => `1_B[${ix[0]}]`,
  ),
  '1 when layer $l$ is in the block $B$ of layers the Hessian covers, else 0',
);
export const DEEP_BELOW = input(
  'Dbelow',
  ['layer', 'layer'],
  notation(
    (ix) => `\\mathbb 1[${ix[1]} < ${ix[0]}]`,
    (ix) => `1[${ix[1]}<${ix[0]}]`,
  ),
  "1 when $l' < l$",
);
export const DEEP_TAU1 = input(
  'Dtau1',
  ['layer'],
  notation(
    (ix) => `\\tau^{${ix[0]}}_1`,
    (ix) => `tau1[${ix[0]}]`,
  ),
  "layer $l$'s part of $T_1$ (its definition on layer $l$'s ranges)",
);
export const DEEP_TAU2 = input(
  'Dtau2',
  ['layer'],
  notation(
    (ix) => `\\tau^{${ix[0]}}_2`,
    (ix) => `tau2[${ix[0]}]`,
  ),
  "layer $l$'s diagonal-block part of $T_2$",
);
export const DEEP_TAU2_PAIR = input(
  'Dtau2x',
  ['layer', 'layer'],
  notation(
    (ix) => `\\tau^{${ix[0]}${ix[1]}}_2`,
    (ix) => `tau2[${ix[0]},${ix[1]}]`,
  ),
  "the cross blocks' part of $T_2$ for the pair $l > l'$",
);

const kappa = ref(KAPPA);
const oneH = ref(ONE_H);

// ---- eq:deep-forward ---------------------------------------------------------------------------
export const DEEP_U = define('Du', [n, i], sup('u^l', 'u^l'), 'pre-activations of layer $l$ ($u^{L-1}_n = v_n$, the logits)', sum(j, mul(ref(DEEP_WEIGHTS, i, j), ref(DEEP_INPUT, n, j))));
export const DEEP_NEXT_INPUT = define('Danext', [n, im], sup('\\tilde a^{l+1}', 'a~^(l+1)'), "the next layer's augmented input $[\\varphi_l(u^l_n); 1]$", augment(im, i, apply('phi', ref(DEEP_U, n, i))));
export const DEEP_PHI1 = define('Dphi1', [n, i], subscripted("\\varphi_l'", "phi_l'"), "$\\varphi_l'(u^l_n)$", apply('phi1', ref(DEEP_U, n, i)));
export const DEEP_PHI2 = define('Dphi2', [n, i], subscripted("\\varphi_l''", "phi_l''"), "$\\varphi_l''(u^l_n)$", apply('phi2', ref(DEEP_U, n, i)));

// ---- eq:deep-loss-gradient ---------------------------------------------------------------------
export const DEEP_T = define('Dt', [n, i], sup('t^l', 't^l'), "$W_{l+1}^\\top\\delta^{l+1}_n$: the error before the $\\varphi_l'$ factor", sum(k, mul(ref(DEEP_WEIGHTS_UP, k, i), ref(DEEP_DELTA_UP, n, k))));
export const DEEP_DELTA = define(
  'Ddelta',
  [n, i],
  sup('\\delta^l', 'delta^l'),
  'backpropagated error $\\partial(g_n^\\top v_n)/\\partial u^l_n = \\partial\\ell_n/\\partial u^l_n$',
  mul(ref(DEEP_PHI1, n, i), ref(DEEP_T, n, i)),
);
export const DEEP_DELTA_TOP = define('DdeltaTop', [n, i], sup('\\delta^{L-1}', 'delta^(L-1)'), 'at the last layer', ref(DEEP_G, n, i));
export const DEEP_LOSS_GRADIENT = define(
  'DgradW',
  [i, j],
  notation(
    (ix) => `(\\partial_{\\tilde W_l} L)_{${ix.join('')}}`,
    (ix) => `dL/dW~_l[${ix.join(',')}]`,
  ),
  "the loss gradient in layer $l$'s parameters",
  mul(kappa, sum(n, mul(ref(DEEP_DELTA, n, i), ref(DEEP_INPUT, n, j)))),
);

// ---- eq:deep-lambda ----------------------------------------------------------------------------
export const DEEP_Q = define(
  'DQ',
  [n, i, ip],
  notation(
    (ix) => `(W_{l+1}^\\top\\Lambda^{l+1}_{${ix[0]}}W_{l+1})_{${ix[1]}${ix[2]}}`,
    (ix) => `(W^T Lambda^(l+1) W)[${ix.join(',')}]`,
  ),
  "the layer above's curvature seen from layer $l$'s outputs",
  sum([k, kp], mul(ref(DEEP_WEIGHTS_UP, k, i), ref(DEEP_LAMBDA_UP, n, k, kp), ref(DEEP_WEIGHTS_UP, kp, ip))),
);
export const DEEP_LAMBDA = define(
  'DLambda',
  [n, i, ip],
  sup('\\Lambda^l', 'Lambda^l'),
  'Hessian of $\\ell_n$ in $u^l_n$ ($m_l \\times m_l$; Gauss–Newton: $M^\\top S_nM$, $M = \\partial v_n/\\partial u^l_n$)',
  add(mul(ref(DEEP_PHI1, n, i), ref(DEEP_Q, n, i, ip), ref(DEEP_PHI1, n, ip)), mul(oneH, indicator(i, ip), ref(DEEP_T, n, i), ref(DEEP_PHI2, n, i))),
);
export const DEEP_LAMBDA_TOP = define('DLambdaTop', [n, i, ip], sup('\\Lambda^{L-1}', 'Lambda^(L-1)'), 'at the last layer', ref(DEEP_S, n, i, ip));

// ---- eq:deep-jacobians -------------------------------------------------------------------------
export const DEEP_JACOBIAN_G = define('DG', [n, jn, r], sup("G^{l,l'}", "G^(l,l')"), "$\\partial a^l_n/\\partial u^{l'}_n$ ($n_l \\times m_{l'}$)", mul(ref(DEEP_PHI1_BELOW, n, jn), ref(DEEP_F_BELOW, n, jn, r)));
export const DEEP_JACOBIAN_F = define('DF', [n, i, r], sup("F^{l,l'}", "F^(l,l')"), "$\\partial u^l_n/\\partial u^{l'}_n$ ($m_l \\times m_{l'}$)", sum(jn, mul(ref(DEEP_WEIGHTS, i, jn), ref(DEEP_JACOBIAN_G, n, jn, r))));
export const DEEP_JACOBIAN_X = define('DX', [n, i, r], sup("X^{l,l'}", "X^(l,l')"), "$\\Lambda^l_nF^{l,l'}_n$ ($m_l \\times m_{l'}$)", sum(ip, mul(ref(DEEP_LAMBDA, n, i, ip), ref(DEEP_JACOBIAN_F, n, ip, r))));

// ---- eq:deep-hessian-blocks --------------------------------------------------------------------
export const DEEP_G_AUGMENTED = define(
  'DGt',
  [n, j, r],
  sup("\\tilde G^{l,l'}", "G~^(l,l')"),
  "$G^{l,l'}_n$ with a zero row for the bias entry: only $a^l$, not its trailing 1, moves with $u^{l'}$",
  augment(j, jn, ref(DEEP_JACOBIAN_G, n, jn, r), num(0)),
);
const block = (latex: string, text: string) => notation(`[H_{${latex}}]`, `H_${text}`, { groups: [2, 2] });
export const DEEP_H_DIAGONAL = define(
  'DHll',
  [i, j, ip, jp],
  block('ll', 'll'),
  "diagonal block of layer $l$: rows $\\tilde W_l[i, j]$, columns $\\tilde W_l[i', j']$",
  mul(kappa, sum(n, mul(ref(DEEP_LAMBDA, n, i, ip), ref(DEEP_INPUT, n, j), ref(DEEP_INPUT, n, jp)))),
);
export const DEEP_H_CROSS = define(
  'DHlp',
  [i, j, r, s],
  block("ll'", "ll'"),
  "cross block $l > l'$: rows $\\tilde W_l[i, j]$, columns $\\tilde W_{l'}[r, s]$",
  mul(kappa, sum(n, mul(add(mul(ref(DEEP_JACOBIAN_X, n, i, r), ref(DEEP_INPUT, n, j)), mul(oneH, ref(DEEP_DELTA, n, i), ref(DEEP_G_AUGMENTED, n, j, r))), ref(DEEP_INPUT_LOWER, n, s)))),
);

// ---- eq:deep-trace-h ---------------------------------------------------------------------------
export const DEEP_GRAM = define('DK', [n, m], sup('K^l', 'K^l'), "Gram matrix of layer $l$'s augmented inputs, $\\tilde a^l_n\\cdot\\tilde a^l_m$", sum(j, mul(ref(DEEP_INPUT, n, j), ref(DEEP_INPUT, m, j))));
export const DEEP_TRACE_LAMBDA = define(
  'DtrL',
  [n],
  notation(
    (ix) => `\\mathrm{tr}\\,\\Lambda^l_{${ix[0]}}`,
    (ix) => `tr Lambda^l[${ix[0]}]`,
  ),
  'trace of $\\Lambda^l_n$',
  sum(i, ref(DEEP_LAMBDA, n, i, i)),
);
export const DEEP_T1_LAYER = define(
  'DT1l',
  [],
  notation('\\tau^l_1', 'tau1^l'),
  "layer $l$'s part of $T_1$: $\\mathrm{tr}(\\Lambda^l_n\\otimes\\tilde a^l_n\\tilde a^{l\\top}_n)$ summed",
  mul(kappa, sum(n, mul(ref(DEEP_TRACE_LAMBDA, n), ref(DEEP_GRAM, n, n)))),
);
export const DEEP_T1 = define('DT1', [], notation('T_1', 'T1'), '$\\mathrm{tr}H$ of the block $B$', sum(l, mul(ref(DEEP_BLOCK, l), ref(DEEP_TAU1, l))));

// ---- eq:deep-trace-h2 --------------------------------------------------------------------------
export const DEEP_LAMBDA_INNER = inner('DLL', '\\Lambda^l', 'Lambda^l', 'Frobenius inner product of $\\Lambda^l_n$ and $\\Lambda^l_m$', sum([i, ip], mul(ref(DEEP_LAMBDA, n, i, ip), ref(DEEP_LAMBDA, m, i, ip))));
export const DEEP_X_INNER = inner('DXX', 'X', 'X', "Frobenius inner product of $X^{l,l'}_n$ and $X^{l,l'}_m$", sum([i, r], mul(ref(DEEP_JACOBIAN_X, n, i, r), ref(DEEP_JACOBIAN_X, m, i, r))));
export const DEEP_G_INNER = inner('DGG', 'G', 'G', "Frobenius inner product of $G^{l,l'}_n$ and $G^{l,l'}_m$", sum([jn, r], mul(ref(DEEP_JACOBIAN_G, n, jn, r), ref(DEEP_JACOBIAN_G, m, jn, r))));
export const DEEP_DELTA_INNER = define(
  'Ddd',
  [n, m],
  notation(
    (ix) => `\\delta^l_{${ix[0]}}\\cdot\\delta^l_{${ix[1]}}`,
    (ix) => `delta^l[${ix[0]}].delta^l[${ix[1]}]`,
  ),
  'inner product of the backpropagated errors',
  sum(i, mul(ref(DEEP_DELTA, n, i), ref(DEEP_DELTA, m, i))),
);
export const DEEP_GRAM_LOWER = define('DKq', [n, m], sup("K^{l'}", "K^l'"), "Gram matrix of layer $l'$'s augmented inputs", sum(s, mul(ref(DEEP_INPUT_LOWER, n, s), ref(DEEP_INPUT_LOWER, m, s))));
export const DEEP_GAMMA = define(
  'DGamma',
  [n, m],
  sup("\\Gamma^{l,l'}", "Gamma^(l,l')"),
  "pair term of the cross block $l > l'$: $\\langle H^{(n)}_{ll'}, H^{(m)}_{ll'}\\rangle = K^{l'}_{nm}\\Gamma^{l,l'}_{nm}$",
  add(
    mul(ref(DEEP_GRAM, n, m), ref(DEEP_X_INNER, n, m)),
    mul(
      oneH,
      sum(
        [i, r, jn],
        add(
          mul(ref(DEEP_DELTA, m, i), ref(DEEP_JACOBIAN_X, n, i, r), ref(DEEP_JACOBIAN_G, m, jn, r), ref(DEEP_INPUT, n, jn)),
          mul(ref(DEEP_DELTA, n, i), ref(DEEP_JACOBIAN_X, m, i, r), ref(DEEP_JACOBIAN_G, n, jn, r), ref(DEEP_INPUT, m, jn)),
        ),
      ),
    ),
    mul(oneH, ref(DEEP_DELTA_INNER, n, m), ref(DEEP_G_INNER, n, m)),
  ),
);
export const DEEP_T2_LAYER = define(
  'DT2l',
  [],
  notation('\\tau^l_2', 'tau2^l'),
  "layer $l$'s diagonal block, $\\|H_{ll}\\|_F^2$",
  mul(pow(kappa, 2), sum([n, m], mul(pow(ref(DEEP_GRAM, n, m), 2), ref(DEEP_LAMBDA_INNER, n, m)))),
);
export const DEEP_T2_PAIR = define(
  'DT2lp',
  [],
  notation("\\tau^{ll'}_2", "tau2^(ll')"),
  "the pair of cross blocks $l > l'$, $2\\|H_{ll'}\\|_F^2$",
  mul(num(2), pow(kappa, 2), sum([n, m], mul(ref(DEEP_GRAM_LOWER, n, m), ref(DEEP_GAMMA, n, m)))),
);
export const DEEP_T2 = define(
  'DT2',
  [],
  notation('T_2', 'T2'),
  '$\\mathrm{tr}H^2 = \\|H\\|_F^2$ of the block $B$',
  add(sum(l, mul(ref(DEEP_BLOCK, l), ref(DEEP_TAU2, l))), sum([l, lp], mul(ref(DEEP_BELOW, l, lp), ref(DEEP_BLOCK, l), ref(DEEP_BLOCK, lp), ref(DEEP_TAU2_PAIR, l, lp)))),
);

// ---- eq:deep-trace-gradient (the seeds) --------------------------------------------------------
const bar = (latex: string, text: string) => notation(`\\bar{${latex}}`, `${text}bar`, { decorated: true });
const four = mul(num(4), pow(kappa, 2));
/** The adjoints of each per-layer term in the building blocks it is written in, each entry its own variable. */
export const DEEP_SEEDS = {
  /** tau^l_1 */
  lambda1: define('DLbar1', [n, i, ip], bar('\\Lambda^l', 'Lambda^l'), '$\\partial\\tau^l_1/\\partial\\Lambda^l_n$', mul(kappa, ref(DEEP_GRAM, n, n), indicator(i, ip))),
  gram1: define('DKbar1', [n, m], bar('K^l', 'K^l'), '$\\partial\\tau^l_1/\\partial K^l_{nm}$', mul(kappa, indicator(n, m), ref(DEEP_TRACE_LAMBDA, n))),
  /** tau^l_2 */
  lambda2: define('DLbar2', [n, i, ip], bar('\\Lambda^l', 'Lambda^l'), '$\\partial\\tau^l_2/\\partial\\Lambda^l_n$', mul(num(2), pow(kappa, 2), sum(m, mul(pow(ref(DEEP_GRAM, n, m), 2), ref(DEEP_LAMBDA, m, i, ip))))),
  gram2: define('DKbar2', [n, m], bar('K^l', 'K^l'), '$\\partial\\tau^l_2/\\partial K^l_{nm}$', mul(num(2), pow(kappa, 2), ref(DEEP_GRAM, n, m), ref(DEEP_LAMBDA_INNER, n, m))),
  /** tau^{ll'}_2 */
  X: define(
    'DXbar',
    [n, i, r],
    bar("X^{l,l'}", "X^(l,l')"),
    "$\\partial\\tau^{ll'}_2/\\partial X^{l,l'}_n$",
    mul(
      four,
      sum(m, mul(ref(DEEP_GRAM_LOWER, n, m), add(mul(ref(DEEP_GRAM, n, m), ref(DEEP_JACOBIAN_X, m, i, r)), mul(oneH, ref(DEEP_DELTA, m, i), sum(jn, mul(ref(DEEP_JACOBIAN_G, m, jn, r), ref(DEEP_INPUT, n, jn))))))),
    ),
  ),
  delta: define(
    'Ddbar',
    [n, i],
    bar('\\delta^l', 'delta^l'),
    "$\\partial\\tau^{ll'}_2/\\partial\\delta^l_n$",
    mul(
      four,
      oneH,
      sum(m, mul(ref(DEEP_GRAM_LOWER, n, m), add(sum([r, jn], mul(ref(DEEP_JACOBIAN_X, m, i, r), ref(DEEP_JACOBIAN_G, n, jn, r), ref(DEEP_INPUT, m, jn))), mul(ref(DEEP_DELTA, m, i), ref(DEEP_G_INNER, n, m))))),
    ),
  ),
  G: define(
    'DGbar',
    [n, jn, r],
    bar("G^{l,l'}", "G^(l,l')"),
    "$\\partial\\tau^{ll'}_2/\\partial G^{l,l'}_n$",
    mul(
      four,
      oneH,
      sum(m, mul(ref(DEEP_GRAM_LOWER, n, m), add(mul(ref(DEEP_INPUT, m, jn), sum(i, mul(ref(DEEP_JACOBIAN_X, m, i, r), ref(DEEP_DELTA, n, i)))), mul(ref(DEEP_DELTA_INNER, n, m), ref(DEEP_JACOBIAN_G, m, jn, r))))),
    ),
  ),
  input: define(
    'Dabar',
    [n, j],
    bar('\\tilde a^l', 'a~^l'),
    "$\\partial\\tau^{ll'}_2/\\partial\\tilde a^l_n$ where the input enters outside $K^l$ (zero at the bias entry)",
    augment(j, jn, mul(four, oneH, sum(m, mul(ref(DEEP_GRAM_LOWER, n, m), sum([i, r], mul(ref(DEEP_JACOBIAN_G, m, jn, r), ref(DEEP_JACOBIAN_X, n, i, r), ref(DEEP_DELTA, m, i)))))), num(0)),
  ),
  gramPair: define('DKbarx', [n, m], bar('K^l', 'K^l'), "$\\partial\\tau^{ll'}_2/\\partial K^l_{nm}$", mul(num(2), pow(kappa, 2), ref(DEEP_GRAM_LOWER, n, m), ref(DEEP_X_INNER, n, m))),
  gramLower: define('DKqbar', [n, m], bar("K^{l'}", "K^l'"), "$\\partial\\tau^{ll'}_2/\\partial K^{l'}_{nm}$", mul(num(2), pow(kappa, 2), ref(DEEP_GAMMA, n, m))),
} as const;

// ---- eq:deep-hessian-vector-product ------------------------------------------------------------
export const DEEP_R_U = define(
  'DRu',
  [n, i],
  sup('\\mathcal Ru^l', 'Ru^l'),
  'change of $u^l_n$ along $v$',
  add(sum(j, mul(ref(DEEP_DIRECTION, i, j), ref(DEEP_INPUT, n, j))), sum(jn, mul(ref(DEEP_WEIGHTS, i, jn), ref(DEEP_R_INPUT, n, jn)))),
);
export const DEEP_R_NEXT_INPUT = define('DRanext', [n, i], sup('\\mathcal Ra^{l+1}', 'Ra^(l+1)'), "change of the next layer's input along $v$", mul(ref(DEEP_PHI1, n, i), ref(DEEP_R_U, n, i)));
export const DEEP_R_DELTA = define(
  'DRdelta',
  [n, i],
  sup('\\mathcal R\\delta^l', 'Rdelta^l'),
  'change of $\\delta^l_n$ along $v$',
  add(
    mul(ref(DEEP_PHI1, n, i), add(sum(k, mul(ref(DEEP_WEIGHTS_UP, k, i), ref(DEEP_R_DELTA_UP, n, k))), mul(oneH, sum(k, mul(ref(DEEP_DIRECTION_UP, k, i), ref(DEEP_DELTA_UP, n, k)))))),
    mul(oneH, ref(DEEP_PHI2, n, i), ref(DEEP_T, n, i), ref(DEEP_R_U, n, i)),
  ),
);
export const DEEP_R_DELTA_TOP = define('DRdeltaTop', [n, i], sup('\\mathcal R\\delta^{L-1}', 'Rdelta^(L-1)'), 'at the last layer: $S_n\\mathcal Ru^{L-1}_n$', sum(ip, mul(ref(DEEP_S, n, i, ip), ref(DEEP_R_U, n, ip))));
export const DEEP_R_INPUT_AUGMENTED = define('DRat', [n, j], sup('\\mathcal R\\tilde a^l', 'Ra~^l'), '$[\\mathcal Ra^l_n; 0]$', augment(j, jn, ref(DEEP_R_INPUT, n, jn), num(0)));
export const DEEP_HVP = define(
  'DHv',
  [i, j],
  notation(
    (ix) => `(Hv)^{\\tilde W_l}_{${ix.join('')}}`,
    (ix) => `(Hv)W~_l[${ix.join(',')}]`,
  ),
  "layer $l$'s part of $Hv$ ($l \\in B$)",
  mul(kappa, sum(n, add(mul(ref(DEEP_R_DELTA, n, i), ref(DEEP_INPUT, n, j)), mul(oneH, ref(DEEP_DELTA, n, i), ref(DEEP_R_INPUT_AUGMENTED, n, j))))),
);

/** A definition of `like`'s name whose value is `body`'s: how the sweep puts the last layer's (or a given) value in place of a step. */
export function replacing(like: Definition, by: Definition): Definition {
  return define(like.name, like.indices, like.notation, like.meaning, by.body);
}
