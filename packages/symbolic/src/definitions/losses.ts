/**
 * The loss table: each loss supplies the per-sample building blocks the rest of the chain is
 * written in (network.ts declares them as slots),
 *   \ell_n = \ell(v_n, y_n),\quad g_n = \partial\ell_n/\partial v_n,\quad S_n = \partial^2\ell_n/\partial v_n^2,\quad
 *   \mathcal S_n = \partial^3\ell_n/\partial v_n^3,
 * as executable definitions, plus the loss as text for the two computer-algebra engines, which
 * differentiate it (verification/localLegs.ts) to check g_n, S_n and \mathcal S_n entry by entry. Nothing
 * downstream (A_n, C_n, the Hessian blocks, the traces, the adjoints) mentions a particular loss:
 * a new loss is a new row of LOSSES, and the sweep then checks the whole chain with it.
 */
import { DEFAULT_LABEL_SMOOTHING, type Loss } from '@hsr/numeric';
import { add, define, div, exp, extent, indicator, input, log, mul, neg, num, pow, ref, referencedTensors, sub, sum, type Definition, type Expr } from '../notation/expression.ts';
import { SS as SS_INNER, TR_S } from './traces.ts';
import type { Formula } from '../notation/latex.ts';
import { lossOnLogits, lossWithLabelSymbols, type LossSpec } from '../networkExpressions.ts';
import { G, k, kp, kpp, LOGITS, m, n, notation, S, Y } from './network.ts';

export interface LossDefinitions {
  readonly name: Loss;
  readonly title: string;
  /** The loss as @hsr/numeric and the network engines name it (with label smoothing's epsilon). */
  readonly spec: LossSpec;
  /** The registry entry that shows this row (the sweep records the row's comparisons under it). */
  readonly entry: string;
  /** The loss's own auxiliary definitions (the softmax for cross-entropy), then ell, g, S, S3. */
  readonly definitions: readonly Definition[];
  readonly ell: Definition;
  readonly g: Definition;
  readonly S: Definition;
  readonly S3: Definition;
  /** Identities the loss's closed forms rely on, checked on the sweep. */
  readonly identities: readonly Formula[];
  /**
   * The per-sample loss as engine text in logit symbols LG1..LGc (1-based): for mathjs with
   * label symbols Y1..Yc (one derivation serves every label), for nerdamer per label (0-based),
   * in whatever form that engine differentiates correctly.
   */
  readonly engineText: { readonly mathjs: (c: number) => string; readonly nerdamer: (c: number, label: number) => string };
  /**
   * Equivalent definitions nerdamer is given in place of the loss's own when a definition is
   * written out for it (notation/engineText.ts), where nerdamer mis-simplifies the plain form;
   * the sweep checks each against the definition it replaces.
   */
  readonly nerdamerForms: readonly Definition[];
}

const P = define('p', [n, k], notation('p', 'p'), 'softmax probabilities', div(exp(ref(LOGITS, n, k)), sum(kp, exp(ref(LOGITS, n, kp)))));

/**
 * The softmax with every exponent shifted by its own logit, 1 / sum_k' e^{v_k' - v_k}: nerdamer
 * merges e^{v_1}(e^{v_1} + e^{v_2})^{-1} into a wrong power (docs/mathematics.md §7).
 */
const P_SHIFTED = define('p', [n, k], notation('p', 'p'), 'softmax probabilities, each exponent shifted by its own logit', div(num(1), sum(kp, exp(sub(ref(LOGITS, n, kp), ref(LOGITS, n, k))))));

const CE_ELL = define('ell', [n], notation('\\ell', 'l'), 'per-sample cross-entropy', sub(log(sum(k, exp(ref(LOGITS, n, k)))), sum(k, mul(ref(Y, n, k), ref(LOGITS, n, k)))));
const CE_G = define('g', [n, k], notation('g', 'g'), 'output error $p_n - y_n$', sub(ref(P, n, k), ref(Y, n, k)));
const CE_S = define('S', [n, k, kp], notation('S', 'S'), 'softmax covariance $\\mathrm{diag}(p_n) - p_np_n^\\top$', sub(mul(indicator(k, kp), ref(P, n, k)), mul(ref(P, n, k), ref(P, n, kp))));
/** d S_{kk'} / d v_{k''} = 1[k=k'] S_{kk''} - S_{kk''} p_{k'} - p_k S_{k'k''}, from dp_k/dv_{k''} = S_{kk''}. */
const CE_S3 = define(
  'S3',
  [n, k, kp, kpp],
  notation('\\mathcal S', 'S3'),
  'third derivative of the cross-entropy in the logits',
  add(mul(indicator(k, kp), ref(S, n, k, kpp)), neg(mul(ref(S, n, k, kpp), ref(P, n, kp))), neg(mul(ref(P, n, k), ref(S, n, kp, kpp)))),
);

const pp = (a: typeof n, b: typeof n): Expr => sum(k, mul(ref(P, a, k), ref(P, b, k)));

/**
 * The loss as engine text in the logit symbols LG1..LGc (networkExpressions.ts writes it for the
 * network engines too): with label symbols Y1..Yc for mathjs, per label for nerdamer, whose
 * log-sum-exp is shifted by the label logit (nerdamer simplifies log(exp(a)+exp(b)) to 1,
 * docs/mathematics.md §7).
 */
function engineTexts(spec: LossSpec): LossDefinitions['engineText'] {
  const logits = (c: number) => Array.from({ length: c }, (_, q) => `LG${q + 1}`);
  return {
    mathjs: (c) =>
      lossWithLabelSymbols(
        spec,
        logits(c),
        Array.from({ length: c }, (_, q) => `Y${q + 1}`),
      ),
    nerdamer: (c, label) => lossOnLogits(spec, logits(c), label),
  };
}

const CROSS_ENTROPY_SPEC: LossSpec = { name: 'cross-entropy', labelSmoothing: DEFAULT_LABEL_SMOOTHING };

export const CROSS_ENTROPY: LossDefinitions = {
  name: 'cross-entropy',
  spec: CROSS_ENTROPY_SPEC,
  entry: 'softmax-covariance',
  title: 'softmax cross-entropy',
  definitions: [P, CE_ELL, CE_G, CE_S, CE_S3],
  ell: CE_ELL,
  g: CE_G,
  S: CE_S,
  S3: CE_S3,
  identities: [
    // tr S_n = 1 - ||p_n||^2 (the form T1 is usually written in).
    { kind: 'identity', lhs: ref(TR_S, n), rhs: sub(num(1), sum(k, pow(ref(P, n, k), 2))) },
    // <S_n, S_m> = sum_k p_nk p_mk (1 - p_nk - p_mk) + (p_n . p_m)^2 (eq:softmax-inner).
    {
      kind: 'identity',
      lhs: ref(SS_INNER, n, m),
      rhs: add(sum(k, mul(ref(P, n, k), ref(P, m, k), sub(sub(num(1), ref(P, n, k)), ref(P, m, k)))), pow(pp(n, m), 2)),
    },
  ],
  nerdamerForms: [P_SHIFTED],
  engineText: engineTexts(CROSS_ENTROPY_SPEC),
};

// ------------------------------------------------------------------ mean squared error

const MSE_ELL = define('ell', [n], notation('\\ell', 'l'), 'per-sample squared error to the one-hot label', mul(num(0.5), sum(k, pow(sub(ref(LOGITS, n, k), ref(Y, n, k)), 2))));
const MSE_G = define('g', [n, k], notation('g', 'g'), 'output error $v_n - y_n$', sub(ref(LOGITS, n, k), ref(Y, n, k)));
const MSE_S = define('S', [n, k, kp], notation('S', 'S'), 'output curvature: the identity', indicator(k, kp));
const MSE_S3 = define('S3', [n, k, kp, kpp], notation('\\mathcal S', 'S3'), 'third derivative of the squared error in the logits (zero)', num(0));

export const MSE: LossDefinitions = {
  name: 'mse',
  title: 'mean squared error',
  spec: { name: 'mse', labelSmoothing: DEFAULT_LABEL_SMOOTHING },
  entry: 'loss-mse',
  definitions: [MSE_ELL, MSE_G, MSE_S, MSE_S3],
  ell: MSE_ELL,
  g: MSE_G,
  S: MSE_S,
  S3: MSE_S3,
  identities: [
    // tr S_n = c and <S_n, S_m> = c: the curvature does not depend on the sample.
    { kind: 'identity', lhs: ref(TR_S, n), rhs: extent('c') },
    { kind: 'identity', lhs: ref(SS_INNER, n, m), rhs: extent('c') },
  ],
  nerdamerForms: [],
  engineText: engineTexts({ name: 'mse', labelSmoothing: DEFAULT_LABEL_SMOOTHING }),
};

// ------------------------------------------------------------------ label smoothing

/** epsilon of label smoothing: an input of the definitions (the sweep's model carries it). */
export const EPSILON_SMOOTHING = input('eps', [], notation('\\epsilon', 'eps'), 'label smoothing: the weight of the uniform target');

const TARGET = define('lst', [n, k], notation('t', 't'), 'smoothed target $(1 - \\epsilon)y_n + \\epsilon/c$', add(mul(sub(num(1), ref(EPSILON_SMOOTHING)), ref(Y, n, k)), div(ref(EPSILON_SMOOTHING), extent('c'))));
const LS_ELL = define('ell', [n], notation('\\ell', 'l'), 'per-sample cross-entropy against the smoothed target', sub(log(sum(k, exp(ref(LOGITS, n, k)))), sum(k, mul(ref(TARGET, n, k), ref(LOGITS, n, k)))));
const LS_G = define('g', [n, k], notation('g', 'g'), 'output error $p_n - t_n$', sub(ref(P, n, k), ref(TARGET, n, k)));

/** Label smoothing with its epsilon (default 0.1): its S and third derivative are cross-entropy's. */
export function labelSmoothing(eps: number = DEFAULT_LABEL_SMOOTHING): LossDefinitions {
  const spec: LossSpec = { name: 'label-smoothing', labelSmoothing: eps };
  return {
    name: 'label-smoothing',
    title: 'label smoothing',
    spec,
    entry: 'loss-label-smoothing',
    definitions: [P, TARGET, LS_ELL, LS_G, CE_S, CE_S3],
    ell: LS_ELL,
    g: LS_G,
    S: CE_S,
    S3: CE_S3,
    // The target sums to 1, so the output error sums to 0 (as for cross-entropy).
    identities: [{ kind: 'identity', lhs: sum(k, ref(G, n, k)), rhs: num(0) }],
    nerdamerForms: [P_SHIFTED],
    engineText: engineTexts(spec),
  };
}
export const LABEL_SMOOTHING = labelSmoothing();

// ------------------------------------------------------------------ binary cross-entropy

const SIGMA = define('sig', [n, k], notation('\\sigma', 'sigma'), 'logistic function of each logit, $1/(1 + e^{-v_{nk}})$', div(num(1), add(num(1), exp(neg(ref(LOGITS, n, k))))));
/** sigma(-v) as its own definition: S = sigma(v) sigma(-v) never forms 1 - sigma. */
const SIGMA_BAR = define('sigb', [n, k], notation('\\bar\\sigma', 'sigma-'), 'logistic function of minus each logit, $\\sigma(-v_{nk}) = 1/(1 + e^{v_{nk}})$', div(num(1), add(num(1), exp(ref(LOGITS, n, k)))));
const BCE_ELL = define('ell', [n], notation('\\ell', 'l'), 'per-sample binary cross-entropy, one sigmoid per output', sum(k, sub(log(add(num(1), exp(ref(LOGITS, n, k)))), mul(ref(Y, n, k), ref(LOGITS, n, k)))));
const BCE_G = define('g', [n, k], notation('g', 'g'), 'output error $\\sigma(v_n) - y_n$', sub(ref(SIGMA, n, k), ref(Y, n, k)));
const BCE_S = define('S', [n, k, kp], notation('S', 'S'), 'output curvature $\\mathrm{diag}(\\sigma(v_n)\\sigma(-v_n))$', mul(indicator(k, kp), ref(SIGMA, n, k), ref(SIGMA_BAR, n, k)));
/** d(sigma sigma-bar)/dv = sigma sigma-bar (sigma-bar - sigma), on the diagonal k = k' = k''. */
const BCE_S3 = define(
  'S3',
  [n, k, kp, kpp],
  notation('\\mathcal S', 'S3'),
  'third derivative of the binary cross-entropy in the logits',
  mul(indicator(k, kp), indicator(k, kpp), ref(SIGMA, n, k), ref(SIGMA_BAR, n, k), sub(ref(SIGMA_BAR, n, k), ref(SIGMA, n, k))),
);

export const BINARY_CROSS_ENTROPY: LossDefinitions = {
  name: 'binary-cross-entropy',
  title: 'binary cross-entropy',
  spec: { name: 'binary-cross-entropy', labelSmoothing: DEFAULT_LABEL_SMOOTHING },
  entry: 'loss-binary-cross-entropy',
  definitions: [SIGMA, SIGMA_BAR, BCE_ELL, BCE_G, BCE_S, BCE_S3],
  ell: BCE_ELL,
  g: BCE_G,
  S: BCE_S,
  S3: BCE_S3,
  // sigma(v) + sigma(-v) = 1, and tr S_n = sum_k sigma sigma-bar.
  identities: [
    { kind: 'identity', lhs: add(ref(SIGMA, n, k), ref(SIGMA_BAR, n, k)), rhs: num(1) },
    { kind: 'identity', lhs: ref(TR_S, n), rhs: sum(k, mul(ref(SIGMA, n, k), ref(SIGMA_BAR, n, k))) },
  ],
  nerdamerForms: [],
  engineText: engineTexts({ name: 'binary-cross-entropy', labelSmoothing: DEFAULT_LABEL_SMOOTHING }),
};

/** Every loss the chain is checked with, one row per name of numeric's Loss (a missing row is a compile error). */
export const LOSS_DEFINITIONS: { readonly [L in Loss]: LossDefinitions } = {
  'cross-entropy': CROSS_ENTROPY,
  mse: MSE,
  'label-smoothing': LABEL_SMOOTHING,
  'binary-cross-entropy': BINARY_CROSS_ENTROPY,
};
export const LOSSES: readonly LossDefinitions[] = Object.values(LOSS_DEFINITIONS);

/**
 * The losses a registry formula holds for: those whose definitions include every auxiliary
 * definition it refers to (the softmax, the sigmoid), directly or through the definitions it
 * refers to; else the losses whose own identities include it; else every loss (it is written in
 * the slots).
 */
export function lossesOfFormula(f: Formula): readonly LossDefinitions[] {
  const seen = new Set<Definition>();
  const auxiliary = new Set<Definition>();
  const isAuxiliary = (d: Definition) => LOSSES.some((l) => l.definitions.includes(d) && d !== l.ell && d !== l.g && d !== l.S && d !== l.S3);
  const walk = (e: Expr): void => {
    for (const t of referencedTensors(e))
      if (t.kind === 'definition' && !seen.has(t as Definition)) {
        seen.add(t as Definition);
        if (isAuxiliary(t as Definition)) auxiliary.add(t as Definition);
        else walk((t as Definition).body);
      }
  };
  const exprs = f.kind === 'definition' ? [f.definition.body] : f.kind === 'identity' ? [f.lhs, f.rhs] : f.chain;
  exprs.forEach(walk);
  if (auxiliary.size) return LOSSES.filter((l) => [...auxiliary].every((d) => l.definitions.includes(d)));
  const own = LOSSES.filter((l) => l.identities.includes(f));
  return own.length ? own : LOSSES;
}

/** The softmax of cross-entropy (for formulas that are about cross-entropy only). */
export const SOFTMAX = P;

/** The loss's definitions by name, for an Evaluator context (the slots resolve through them). */
export function lossDefinitionMap(loss: LossDefinitions): Map<string, Definition> {
  return new Map(loss.definitions.map((d) => [d.name, d]));
}
