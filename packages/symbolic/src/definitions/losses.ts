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
import { add, define, div, exp, indicator, log, mul, neg, num, pow, ref, sub, sum, type Definition, type Expr } from '../notation/expression.ts';
import { SS as SS_INNER, TR_S } from './traces.ts';
import type { Formula } from '../notation/latex.ts';
import { k, kp, kpp, LOGITS, m, n, notation, S, Y } from './network.ts';

export interface LossDefinitions {
  readonly name: string;
  readonly title: string;
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

export const CROSS_ENTROPY: LossDefinitions = {
  name: 'cross-entropy',
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
  engineText: {
    mathjs: (c) => {
      const v = Array.from({ length: c }, (_, q) => `LG${q + 1}`);
      return `log(${v.map((x) => `exp(${x})`).join('+')})-(${v.map((x, q) => `Y${q + 1}*${x}`).join('+')})`;
    },
    // nerdamer simplifies log(exp(a)+exp(b)) to 1 (docs/mathematics.md §7): shifted by the label logit.
    nerdamer: (c, label) => {
      const others: string[] = [];
      for (let q = 1; q <= c; q++) if (q !== label + 1) others.push(`exp(LG${q}-LG${label + 1})`);
      return `log(1+${others.join('+')})`;
    },
  },
};

/** Every loss the chain is checked with (the next losses add rows here). */
export const LOSSES: readonly LossDefinitions[] = [CROSS_ENTROPY];

/** The softmax of cross-entropy (for formulas that are about cross-entropy only). */
export const SOFTMAX = P;

/** The loss's definitions by name, for an Evaluator context (the slots resolve through them). */
export function lossDefinitionMap(loss: LossDefinitions): Map<string, Definition> {
  return new Map(loss.definitions.map((d) => [d.name, d]));
}
