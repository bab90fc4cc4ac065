/**
 * The formula registry, the one owner of the project's formulas: one entry per formula the code
 * implements, holding its executable definitions (definitions/*.ts, in the index notation of
 * notation/expression.ts), never LaTeX typed by hand. The display LaTeX of the docs and the
 * report and the plain text of `--help` are rendered from those definitions (notation/latex.ts);
 * the sweep (verification/) evaluates the same definitions on generated shapes and compares
 * them with nerdamer, mathjs and @hsr/numeric, and the docs show per entry what that checked.
 *
 * Four entries are specifications rather than formulas (the Lanczos recurrence, the paired
 * verdict, PyHessian's stopping rules, power iteration): an iteration or a decision rule the
 * notation does not evaluate. Their statement is typed, marked `specification`, and the docs say
 * that what is checked is their output, by the sweep and the tests listed, not the statement.
 *
 * The entries follow the derivation chain of the bound and its gradient (docs/derivation.md):
 * loss -> g_n -> S_n -> A_n, C_n -> the Hessian blocks -> T1, T2 -> alpha, beta -> the seeds and
 * explicit partials -> grad T -> grad U; then the Hessian-vector product and Lanczos, training,
 * the Hessian's diagonal and the stochastic estimators, and the activations.
 *
 * This module loads neither computer-algebra engine (`@hsr/symbolic/registry`), so a command
 * that only prints formulas does not pay for nerdamer and mathjs.
 */
import { ACTIVATION_NAMES, ACTIVATIONS, type Activation } from '@hsr/numeric';
import { ACTIVATION_DEFINITIONS } from './definitions/activations.ts';
import * as deep from './definitions/deep.ts';
import {
  ALPHA,
  ALPHA_LOWER,
  ALPHA_RANGE,
  BETA,
  BETA_LOWER,
  BETA_RANGE,
  LAMBDA_MAX,
  LAMBDA_MAX_LOWER,
  LAMBDA_MAX_UPPER,
  LAMBDA_MIN,
  LAMBDA_MIN_LOWER,
  LAMBDA_MIN_UPPER,
  MEAN,
  PB,
  RADIUS,
  RANGE_UPPER,
  SPREAD,
  SPREAD_SQUARED,
} from './definitions/bounds.ts';
import { A, C, DELTA, G_VV, G_WV, G_WW, H_VV, H_WV, H_WW, J_V, J_W, VSV } from './definitions/curvature.ts';
import { LOWER_GRADIENT, RANGE_GRADIENT, T1_GRADIENT, T1_SEEDS, T2_SEEDS, UPPER_GRADIENT } from './definitions/gradient.ts';
import { HVP_OUT_V, HVP_OUT_W, HVP_Q, HVP_R, HVP_RHO, HVP_S, HVP_W } from './definitions/hvp.ts';
import { LOSS_GRADIENT_V, LOSS_GRADIENT_W } from './definitions/lossGradient.ts';
import { BINARY_CROSS_ENTROPY, CROSS_ENTROPY, LABEL_SMOOTHING, MSE } from './definitions/losses.ts';
import { i, LOGITS, LOSS, n, ONE_H, PHI1, PHI2, U, XT, Z, ZT } from './definitions/network.ts';
import { AA, CC, GAMMA, KX, KZ, SS, T1, T2, TR_A, TR_S } from './definitions/traces.ts';
import {
  ADAM,
  ADAM_M,
  ADAM_M_HAT,
  ADAM_V,
  ADAM_V_HAT,
  DIR_PENALTY,
  DIR_PLAIN,
  DIR_SAM,
  HSR_STEP,
  MOMENTUM,
  MOMENTUM_BUFFER,
  NORM_GRAD_L,
  NORM_GRAD_U,
  NORM_THETA_SQUARED,
  RELATIVE_SHARPNESS,
  SAM_EPSILON,
  SGD,
} from './definitions/training.ts';
import {
  COMPLEMENT_FORM,
  COMPLEMENT_FORM_EXPANDED,
  DEGREES_OF_FREEDOM,
  DIAG_A_WEIGHTED,
  DIAG_S,
  DIAG_SUM,
  DIAG_V,
  DIAG_W,
  H_PROBE,
  H_SQUARED,
  HUTCH_PLUS_PLUS,
  INTERVAL_HIGH,
  INTERVAL_LOW,
  KURTOSIS_BOUND_GAUSS,
  KURTOSIS_BOUND_RADEMACHER,
  KURTOSIS_GAUSS,
  KURTOSIS_RADEMACHER,
  MOMENT_MATCH,
  OFF_DIAGONAL,
  OFF_DIAGONAL_SQUARED,
  PROJECTED_PROBE,
  QUADRATIC,
  ROW_SQUARES,
  SAMPLE_VARIANCE_VARIANCE,
  SKETCH_M,
  SKETCH_TRACE,
  SQUARED_NORM,
  T1_HAT,
  T1_HAT_VAR_GAUSS,
  T1_HAT_VAR_RADEMACHER,
  T2_HAT,
  T2_HAT_VAR_GAUSS,
  T2_HAT_VAR_RADEMACHER,
  VBAR,
  XTRACE,
  XTRACE_FORM,
  XTRACE_PROJECTED,
  XTRACE_TRACE,
} from './definitions/estimators.ts';
import { add, define, div, extent, mul, num, pow, ref, sqrt, sub, sum, type Definition, type Expr, type TensorSymbol } from './notation/expression.ts';
import { renderDisplay, renderReference, type Formula } from './notation/latex.ts';

export interface FormulaVariable {
  /** LaTeX symbol. */
  readonly symbol: string;
  readonly meaning: string;
}

/** A display line: one or more formulas shown side by side, optionally with a caption. */
export interface Display {
  readonly formulas: readonly Formula[];
  readonly caption?: string;
}

export interface FormulaEntry {
  readonly id: string;
  /** Equation label as used in doc comments, e.g. `eq:trace-h`. */
  readonly label: string;
  /** Further labels the code cites for parts of this entry (each resolves here). */
  readonly aliases: readonly string[];
  readonly title: string;
  /** `formula`: executable definitions, rendered and checked; `specification`: a typed statement checked by its tests. */
  readonly kind: 'formula' | 'specification';
  /** The executable formulas, one display line each (empty for a specification). */
  readonly displays: readonly Display[];
  /** Display LaTeX, one string per display line: rendered from `displays` (typed only for a specification). */
  readonly latex: readonly string[];
  /** Plain-text lines for a terminal (`hsr bound --help`), rendered from the formulas, where one is shown. */
  readonly text?: readonly string[];
  /** The symbols the formulas use that this entry does not define, with their meaning (derived from the definitions). */
  readonly variables: readonly FormulaVariable[];
  /** Derivation outline, one step per item (prose, may contain inline `$...$` LaTeX). */
  readonly derivation: readonly string[];
  /** Implementing function(s), e.g. `@hsr/numeric hessianTraces`. */
  readonly implementation: readonly string[];
  /** Named properties and test files that verify it. */
  readonly verifiedBy: readonly string[];
  /** Audit-table quantity names (crosscheck `AuditRow.quantity`, or their prefix before a dot) whose rows report on this entry. */
  readonly auditQuantities: readonly string[];
  /** Cost, in words. */
  readonly cost: string;
  /** Every definition this entry owns (the sweep's record is kept per entry through them). */
  readonly definitions: readonly Definition[];
  /** Position in the derivation chain of U and grad U, when the entry is a step of it. */
  readonly chainStep?: number;
}

interface EntrySpec {
  readonly id: string;
  readonly label: string;
  readonly aliases?: readonly string[];
  readonly title: string;
  readonly displays: readonly Display[];
  /** The terminal form (`--help`): formulas per line, rendered with the text style. */
  readonly text?: readonly (Formula | readonly Formula[])[];
  /** Definitions the displays show only through their bodies (the bounds inside the inequalities). */
  readonly alsoDefines?: readonly Definition[];
  /** Extra variables the formulas do not carry (ranges, symbols of prose). */
  readonly variables?: readonly FormulaVariable[];
  readonly derivation: readonly string[];
  readonly implementation: readonly string[];
  readonly verifiedBy: readonly string[];
  readonly auditQuantities?: readonly string[];
  readonly cost: string;
  readonly chainStep?: number;
}

const def = (definition: Definition): Formula => ({ kind: 'definition', definition });
const show = (...formulas: Formula[]): Display => ({ formulas });
const captioned = (caption: string, ...formulas: Formula[]): Display => ({ caption, formulas });

function ownDefinitions(displays: readonly Display[]): Definition[] {
  return displays.flatMap((d) => d.formulas.flatMap((f) => (f.kind === 'definition' ? [f.definition] : [])));
}

/** Tensors the displays refer to, in first-use order, with the index names of that first use. */
function referencedSymbols(displays: readonly Display[]): Map<string, { tensor: TensorSymbol; names: readonly string[] }> {
  const out = new Map<string, { tensor: TensorSymbol; names: readonly string[] }>();
  const walk = (e: Expr): void => {
    if (e.kind === 'ref' && !out.has(e.tensor.name))
      out.set(e.tensor.name, {
        tensor: e.tensor,
        names: e.indices.map((x) => x.name),
      });
    const kids: Expr[] =
      e.kind === 'add'
        ? [...e.terms]
        : e.kind === 'mul'
          ? [...e.factors]
          : e.kind === 'neg'
            ? [e.arg]
            : e.kind === 'div'
              ? [e.numerator, e.denominator]
              : e.kind === 'pow'
                ? [e.base, e.exponent]
                : e.kind === 'sum'
                  ? [e.body]
                  : e.kind === 'apply'
                    ? [e.arg]
                    : e.kind === 'max'
                      ? [...e.args]
                      : e.kind === 'augment'
                        ? [e.body, e.fill]
                        : [];
    kids.forEach(walk);
  };
  for (const d of displays)
    for (const f of d.formulas) {
      if (f.kind === 'definition') walk(f.definition.body);
      else if (f.kind === 'identity') [f.lhs, f.rhs].forEach(walk);
      else f.chain.forEach(walk);
    }
  return out;
}

/** The entry that defines each definition (filled as entries are built), for "defined in eq:..." links. */
const HOME = new Map<string, string>();

function entry(spec: EntrySpec): FormulaEntry {
  const definitions = [...ownDefinitions(spec.displays), ...(spec.alsoDefines ?? [])];
  for (const d of definitions) if (!HOME.has(d.name)) HOME.set(d.name, spec.label);
  const own = new Set(definitions.map((d) => d.name));
  const variables: FormulaVariable[] = [];
  for (const { tensor, names } of referencedSymbols(spec.displays).values()) {
    if (own.has(tensor.name)) continue;
    const home = HOME.get(tensor.name);
    const where = tensor.kind === 'definition' && home ? ` (${home})` : tensor.kind === 'slot' ? ' (defined per loss, eq:softmax-covariance)' : '';
    variables.push({ symbol: renderReference(tensor, names, 'latex'), meaning: `${tensor.meaning}${where}` });
  }
  return {
    id: spec.id,
    label: spec.label,
    aliases: spec.aliases ?? [],
    title: spec.title,
    kind: 'formula',
    displays: spec.displays,
    latex: spec.displays.map((d) => renderDisplay(d.formulas, 'latex')),
    ...(spec.text ? { text: spec.text.map((line) => renderDisplay(Array.isArray(line) ? line : [line as Formula], 'text')) } : {}),
    variables: [...variables, ...(spec.variables ?? [])],
    derivation: spec.derivation,
    implementation: spec.implementation,
    verifiedBy: spec.verifiedBy,
    auditQuantities: spec.auditQuantities ?? [],
    cost: spec.cost,
    definitions,
    ...(spec.chainStep !== undefined ? { chainStep: spec.chainStep } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Names the entries cite for their verification.

/** The sweep of executable definitions against the engines and numeric (crosscheck). */
const SWEEP = 'packages/crosscheck/test/formulaSweep.test.ts';
const SWEEP_SLOW = 'packages/crosscheck/test/formulaSweep.slow.test.ts';
const SWEPT = [SWEEP, SWEEP_SLOW];
/** The crosscheck properties of the symbolic leg (run by `hsr audit` on networks small enough to derive). */
const SYMBOLIC_TRACES = ['traces-equal-nerdamer', 'traces-equal-mathjs'];
const SYMBOLIC_GRADIENTS = ['trace-gradients-equal-nerdamer', 'trace-gradients-equal-mathjs'];

// Identities the entries state and the sweep checks (both sides evaluated).
const trAExpanded: Formula = {
  kind: 'identity',
  lhs: ref(TR_A, n),
  rhs: sum(i, add(mul(pow(ref(PHI1, n, i), 2), ref(VSV, n, i, i)), mul(ref(ONE_H), ref(PHI2, n, i), ref(DELTA, n, i)))),
};
const radiusIdentity: Formula = { kind: 'identity', lhs: ref(RADIUS), rhs: sqrt(mul(div(sub(ref(PB), num(1)), ref(PB)), sub(ref(T2), div(pow(ref(T1), 2), ref(PB))))) };
const ineq = (...chain: Expr[]): Formula => ({ kind: 'inequality', chain });

// The parameter count with and without biases (the biases-off variant).
const PARAMETER_COUNT = define('Pall', [], { latex: 'P_\\theta', text: 'P_theta' }, 'number of parameters', add(mul(extent('h'), extent('dt')), mul(extent('c'), extent('ht'))));

const CORE: FormulaEntry[] = [
  entry({
    id: 'biases',
    label: 'eq:biases',
    title: 'Biases on and off: the augmented inputs',
    chainStep: 0,
    displays: [show(def(XT)), show(def(ZT)), show(def(PARAMETER_COUNT))],
    variables: [{ symbol: '\\tilde d, \\tilde h', meaning: '$d + 1$ and $h + 1$ with biases, $d$ and $h$ without' }],
    derivation: [
      'With biases, $\\tilde W = [W \\mid b]$ and $\\tilde V = [V \\mid a]$ act on $\\tilde x_n = [x_n; 1]$ and $\\tilde z_n = [z_n; 1]$; without biases the trailing entries are absent and $\\tilde x_n = x_n$, $\\tilde z_n = z_n$. Every formula below is written in the augmented quantities, so the biases-off variant is the same formula over the narrower ranges.',
      'Only the Gram matrices $K^x$, $K^z$ see the difference. The $g$-term of the cross block, $\\mathbb 1[l = i]$, never selects the bias column, because $i$ ranges over the $h$ hidden units only (docs/mathematics.md §4, *corrected (biases)*).',
      'Parameters are flattened as $\\theta = (\\mathrm{vec_{row}}\\,\\tilde W, \\mathrm{vec_{row}}\\,\\tilde V)$ (numeric `parameters.ts`).',
    ],
    implementation: ['@hsr/numeric forwardPass', '@hsr/numeric parameterCount'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/parameters.test.ts'],
    cost: '$O(N(d + h))$',
  }),
  entry({
    id: 'loss',
    label: 'eq:loss',
    title: 'Network and loss',
    chainStep: 1,
    displays: [show(def(U), def(Z), def(LOGITS)), show(def(LOSS))],
    derivation: [
      'Definition (docs/mathematics.md §1): a hidden layer $z_n = \\varphi(u_n)$ between two affine maps, and the per-sample loss $\\ell_n$ of the loss table (cross-entropy: eq:softmax-covariance) summed with weight $\\kappa$.',
      'The engines are given the cross-entropy shifted by the label logit, $\\log(1 + \\sum_{k \\ne y_n} e^{v_{nk} - v_{ny_n}})$ (nerdamer), or with label symbols (mathjs): nerdamer simplifies $\\log(e^a + e^b)$ to 1 (docs/mathematics.md §7).',
    ],
    implementation: ['@hsr/numeric loss', '@hsr/numeric forwardPass'],
    verifiedBy: [...SWEPT, 'loss-gradient-vs-central-difference', 'PyTorch golden fixtures (packages/numeric/test/golden/golden.test.ts)', ...SYMBOLIC_TRACES],
    auditQuantities: ['loss'],
    cost: '$O(N(hd + ch))$',
  }),
  entry({
    id: 'softmax-covariance',
    label: 'eq:softmax-covariance',
    aliases: ['eq:loss-table'],
    title: 'The loss table: cross-entropy’s ℓ, g, S and its third derivative',
    chainStep: 2,
    displays: [
      show(def(CROSS_ENTROPY.definitions[0]!), def(CROSS_ENTROPY.ell)),
      captioned('the output error $g_n = \\partial\\ell_n/\\partial v_n$', def(CROSS_ENTROPY.g)),
      captioned('the output curvature $S_n = \\partial g_n/\\partial v_n$', def(CROSS_ENTROPY.S)),
      captioned('its derivative $\\mathcal S_n = \\partial S_n/\\partial v_n$ (the bound’s gradient needs it)', def(CROSS_ENTROPY.S3)),
      captioned('the trace', CROSS_ENTROPY.identities[0]!),
    ],
    derivation: [
      'Each loss supplies $\\ell_n$, $g_n$, $S_n$ and $\\mathcal S_n$; every later formula is written in these four, never in the softmax, so each loss is a row of the loss table (`definitions/losses.ts`): cross-entropy here, mean squared error (eq:loss-mse), label smoothing (eq:loss-label-smoothing) and binary cross-entropy (eq:loss-binary-cross-entropy) below, each checked by the sweep on cases of its own through the whole chain.',
      "For cross-entropy: $\\partial p_{nk}/\\partial v_{nk'} = S_{n,kk'}$, so $g_n = p_n - y_n$ and $S_n = \\mathrm{diag}(p_n) - p_np_n^\\top$, the covariance of the softmax; differentiating $S_{n,kk'} = \\mathbb 1[k = k']p_{nk} - p_{nk}p_{nk'}$ once more with the same rule gives $\\mathcal S_n$.",
      "$S_n\\mathbf 1 = 0$: $S_n$ is singular. $\\mathrm{tr}S_n = 1 - \\|p_n\\|^2$ subtracts $O(1)$ terms for a saturated sample; the code sums $p_k(1 - p_k)$ with $1 - p_{\\max}$ taken as the sum of the other probabilities (docs/mathematics.md §4, *corrected (saturation)*). For the same reason it forms $S_{n,kk}$ with that $1 - p_{\\max}$ and $g_{ny_n} = p_{ny_n} - 1$ as $-\\sum_{k \\ne y_n} p_{nk}$: the same numbers, kept to full relative accuracy when $p_{ny_n}$ rounds to 1, on which $\\delta_n$, the $\\varphi''$ part of $A_n$ and the $g$-term of the cross block depend.",
    ],
    implementation: ['@hsr/numeric forwardPass (p, g)', '@hsr/numeric sampleCurvature (S)', '@hsr/numeric/internal softmaxCovarianceTrace'],
    verifiedBy: [...SWEPT, 'hessian-vs-gradient-central-difference', 'hessian-equals-autodiff'],
    cost: '$O(Nc^2)$ ($O(Nc^3)$ for $\\mathcal S_n$, which the code never forms: it contracts it with $\\bar S_n$ in $O(c^2)$)',
  }),
  entry({
    id: 'loss-mse',
    label: 'eq:loss-mse',
    title: 'The loss table: mean squared error’s ℓ, g, S and its third derivative',
    displays: [
      captioned('half the squared error to the one-hot label, averaged or summed over the samples with $\\kappa$ like cross-entropy', def(MSE.ell)),
      captioned('the output error $g_n = \\partial\\ell_n/\\partial v_n$', def(MSE.g)),
      captioned('the output curvature $S_n = \\partial g_n/\\partial v_n$', def(MSE.S)),
      captioned('its derivative $\\mathcal S_n = \\partial S_n/\\partial v_n$', def(MSE.S3)),
      captioned('the trace and the inner products do not depend on the sample', ...MSE.identities),
    ],
    derivation: [
      '$\\ell_n = \\tfrac12\\|v_n - y_n\\|^2$ is quadratic in the logits: $g_n = v_n - y_n$, $S_n = I_c$ and $\\mathcal S_n = 0$, so the bound’s gradient loses the $\\mathcal S_n$ terms and keeps those through $A_n$, $C_n$ and $K^z$.',
      'No cancellation to avoid: $S_n$ is constant and $g_n = v_n - y_n$ has no saturated regime (it grows with the logits instead of vanishing).',
    ],
    implementation: ['@hsr/numeric LOSSES.mse', '@hsr/numeric forwardPass (g)', '@hsr/numeric sampleCurvature (S)'],
    verifiedBy: [...SWEPT, 'hessian-equals-autodiff', 'PyTorch golden fixtures (packages/numeric/test/golden/golden.test.ts)'],
    cost: '$O(Nc)$',
  }),
  entry({
    id: 'loss-label-smoothing',
    label: 'eq:loss-label-smoothing',
    title: 'The loss table: label smoothing’s ℓ, g, S and its third derivative',
    displays: [
      captioned('cross-entropy against the smoothed target $t_n$ ($\\epsilon = 0.1$ unless `--label-smoothing` says otherwise)', def(LABEL_SMOOTHING.definitions[1]!), def(LABEL_SMOOTHING.ell)),
      captioned('the output error $g_n = \\partial\\ell_n/\\partial v_n$, with the softmax $p_n$ of eq:softmax-covariance', def(LABEL_SMOOTHING.g)),
      captioned('the output curvature and its derivative are cross-entropy’s: the target enters $\\ell_n$ linearly', def(LABEL_SMOOTHING.S), def(LABEL_SMOOTHING.S3)),
      captioned('the output error sums to zero', ...LABEL_SMOOTHING.identities),
    ],
    derivation: [
      '$\\ell_n = \\operatorname{lse}(v_n) - t_n^\\top v_n$ with $t_n = (1 - \\epsilon)y_n + \\epsilon/c$: the gradient of $\\operatorname{lse}$ is $p_n$, so $g_n = p_n - t_n$; $t_n$ is constant in $v_n$, so $S_n$ and $\\mathcal S_n$ are those of cross-entropy, and every formula written in $S_n$ (the traces, their gradients) is unchanged but for $g_n$.',
      'The code keeps it cancellation-free: $g_{ny_n} = \\epsilon(1 - 1/c) - \\sum_{k \\ne y_n} p_{nk}$ and $\\ell_n = (1 - \\epsilon)(\\operatorname{lse} - v_{ny_n}) + (\\epsilon/c)\\sum_k(\\operatorname{lse} - v_{nk})$, a sum of non-negative terms.',
    ],
    implementation: ['@hsr/numeric LOSSES.label-smoothing', '@hsr/numeric forwardPass (p, g)', '@hsr/numeric sampleCurvature (S)'],
    verifiedBy: [...SWEPT, 'hessian-equals-autodiff', 'PyTorch golden fixtures (packages/numeric/test/golden/golden.test.ts)'],
    cost: '$O(Nc^2)$, as cross-entropy',
  }),
  entry({
    id: 'loss-binary-cross-entropy',
    label: 'eq:loss-binary-cross-entropy',
    title: 'The loss table: binary cross-entropy’s ℓ, g, S and its third derivative',
    displays: [
      captioned('one logistic function per output, $\\sigma$ and $\\bar\\sigma = 1 - \\sigma$ each from its own exponential', def(BINARY_CROSS_ENTROPY.definitions[0]!), def(BINARY_CROSS_ENTROPY.definitions[1]!)),
      captioned('independent binary cross-entropies against the one-hot label', def(BINARY_CROSS_ENTROPY.ell)),
      captioned('the output error $g_n = \\partial\\ell_n/\\partial v_n$', def(BINARY_CROSS_ENTROPY.g)),
      captioned('the output curvature $S_n = \\partial g_n/\\partial v_n$, diagonal', def(BINARY_CROSS_ENTROPY.S)),
      captioned('its derivative $\\mathcal S_n = \\partial S_n/\\partial v_n$', def(BINARY_CROSS_ENTROPY.S3)),
      captioned('the two logistic functions and the trace', ...BINARY_CROSS_ENTROPY.identities),
    ],
    derivation: [
      "$\\ell_n = \\sum_k \\log(1 + e^{v_{nk}}) - y_{nk}v_{nk}$: each output is its own logistic regression, $\\partial\\log(1 + e^v)/\\partial v = \\sigma(v)$ and $\\sigma'(v) = \\sigma(v)\\sigma(-v)$, so $g_n = \\sigma(v_n) - y_n$, $S_n = \\mathrm{diag}(\\sigma(v_n)\\sigma(-v_n))$ and, since $\\partial\\sigma(-v)/\\partial v = -\\sigma(v)\\sigma(-v)$, $\\mathcal S_{n,kkk} = \\sigma\\bar\\sigma(\\bar\\sigma - \\sigma)$, zero off the diagonal.",
      'No $1 - \\sigma$ cancellation: the code forms $\\sigma(v)\\sigma(-v) = e^{-|v|}/(1 + e^{-|v|})^2$, $\\bar\\sigma - \\sigma = -\\tanh(v/2)$, $g_{ny_n} = -\\sigma(-v_{ny_n})$ and $\\ell_n$ with $\\mathrm{softplus}(-v_{ny_n})$, never $\\mathrm{softplus}(v_{ny_n}) - v_{ny_n}$.',
    ],
    implementation: ['@hsr/numeric LOSSES.binary-cross-entropy', '@hsr/numeric forwardPass (g)', '@hsr/numeric sampleCurvature (S)'],
    verifiedBy: [...SWEPT, 'hessian-equals-autodiff', 'PyTorch golden fixtures (packages/numeric/test/golden/golden.test.ts)'],
    cost: '$O(Nc)$ ($S_n$ is diagonal)',
  }),
  entry({
    id: 'loss-gradient',
    label: 'eq:loss-gradient',
    title: 'Gradient of the loss (backpropagation)',
    displays: [show(def(DELTA)), show(def(LOSS_GRADIENT_W), def(LOSS_GRADIENT_V))],
    derivation: [
      "$\\partial\\ell_n/\\partial v_n = g_n$; the chain rule through $v_n = \\tilde V\\tilde z_n$ and $z_n = \\varphi(u_n)$, $u_n = \\tilde W\\tilde x_n$ gives $\\partial\\ell_n/\\partial u_{ni} = \\varphi'_{ni}\\delta_{ni}$.",
    ],
    implementation: ['@hsr/numeric lossGradient'],
    verifiedBy: [...SWEPT, 'loss-gradient-vs-central-difference', 'loss-gradient-equals-autodiff', ...SYMBOLIC_TRACES],
    auditQuantities: ['lossGradient'],
    cost: '$O(N(hd + ch))$',
  }),
  entry({
    id: 'a-n',
    label: 'eq:a-n',
    title: 'First-layer curvature A_n',
    chainStep: 3,
    displays: [show(def(VSV)), show(def(A))],
    derivation: [
      "$\\partial\\ell_n/\\partial u_{ni} = \\varphi'_{ni}\\sum_k V_{ki}g_{nk}$. Differentiating once more in $u_{ni'}$: through $g_n$ (with $\\partial g_n/\\partial u_{ni'} = S_nV_{:i'}\\varphi'_{ni'}$) gives the first term, through $\\varphi'_{ni}$ itself the diagonal term $\\delta_{ni}\\varphi''_{ni}$.",
      'Gauss–Newton ($\\mathbb 1_H = 0$) drops the diagonal term: it comes from the curvature of the hidden layer, which $J^\\top SJ$ omits.',
    ],
    implementation: ['@hsr/numeric sampleCurvature', '@hsr/numeric/internal packedHiddenCurvature'],
    verifiedBy: [...SWEPT, 'hessian-vs-gradient-central-difference', 'hessian-equals-autodiff'],
    cost: '$O(N(c h^2 + c^2 h))$',
  }),
  entry({
    id: 'c-n',
    label: 'eq:c-n',
    title: 'Cross curvature C_n',
    chainStep: 4,
    displays: [show(def(C))],
    derivation: [
      "$C_n = \\partial g_n/\\partial u_n = S_nVD_n$ with $D_n = \\mathrm{diag}(\\varphi'_n)$: the logits move with $u_n$ by $VD_n$ and $g_n$ with the logits by $S_n$. It is the Gauss–Newton part of the cross block $H_{\\tilde W\\tilde V}$.",
    ],
    implementation: ['@hsr/numeric sampleCurvature'],
    verifiedBy: [...SWEPT, 'closed-form-traces-equal-dense-traces'],
    cost: '$O(Nc^2h)$',
  }),
  entry({
    id: 'hessian-blocks',
    label: 'eq:hessian-blocks',
    title: 'The three Hessian blocks',
    chainStep: 5,
    displays: [show(def(H_WW)), show(def(H_VV)), show(def(H_WV))],
    derivation: [
      '$u_n = \\tilde W\\tilde x_n$ is linear in $\\tilde W$, so $\\partial u_{ni}/\\partial\\tilde W_{ij} = \\tilde x_{nj}$ and the first block is $A_n$ spread over the outer product $\\tilde x_n\\tilde x_n^\\top$ ($A_n \\otimes \\tilde x_n\\tilde x_n^\\top$ in row-major order); likewise $S_n \\otimes \\tilde z_n\\tilde z_n^\\top$ for the second.',
      'The cross block differentiates $\\partial\\ell_n/\\partial\\tilde V_{kl} = g_{nk}\\tilde z_{nl}$ in $\\tilde W_{ij}$: through $g_{nk}$ (the $C_n$ term) and through $\\tilde z_{nl} = \\varphi(u_{nl})$ when $l = i$ (the $g$-term, the one most often forgotten; Gauss–Newton drops it).',
      'A block variant keeps the rows and columns of its layer only: the sweep compares the restriction of these blocks with the engines’ entry-wise Hessian restricted the same way.',
    ],
    implementation: ['@hsr/numeric denseHessian'],
    verifiedBy: [...SWEPT, 'hessian-symmetric', 'hessian-vs-gradient-central-difference', 'hessian-equals-autodiff', ...SYMBOLIC_TRACES],
    auditQuantities: ['hessian'],
    cost: '$O(NP^2)$ (the reference the closed forms are held to; nothing on the data path forms it)',
  }),
  entry({
    id: 'gauss-newton',
    label: 'eq:gauss-newton',
    title: 'Gauss–Newton matrix',
    displays: [show(def(J_W), def(J_V)), show(def(G_WW)), show(def(G_VV)), show(def(G_WV))],
    derivation: [
      "$G = \\kappa\\sum_n J_n^\\top S_nJ_n$ with $J_n = \\partial v_n/\\partial\\theta$: the Hessian without the curvature of the network itself. It equals the blocks of eq:hessian-blocks with $\\mathbb 1_H = 0$ (no $\\mathrm{diag}(\\delta_n\\odot\\varphi'')$ in $A_n$, no $g$-term in the cross block); the sweep checks both statements.",
      'Not a good approximation for cross-entropy, even near zero loss: $g_n$ and $S_n$ both scale like $1 - p_{ny_n}$ (docs/mathematics.md §1).',
    ],
    implementation: ['@hsr/numeric denseHessian (curvature gauss-newton)', '@hsr/symbolic deriveGaussNewton'],
    verifiedBy: [...SWEPT, 'packages/symbolic/test/gaussNewton.test.ts', 'closed-form-traces-equal-dense-traces'],
    cost: '$O(NcP^2)$ dense; the traces use the closed forms with $\\mathbb 1_H = 0$',
  }),
  entry({
    id: 'trace-h',
    label: 'eq:trace-h',
    title: 'T1 = tr H in closed form',
    chainStep: 6,
    displays: [show(def(KX), def(KZ)), show(def(TR_A), def(TR_S)), show(def(T1)), captioned('$\\mathrm{tr}A_n$ written out', trAExpanded)],
    derivation: [
      '$\\mathrm{tr}(A \\otimes B) = \\mathrm{tr}A\\,\\mathrm{tr}B$ on the two diagonal blocks, with $\\mathrm{tr}(\\tilde x_n\\tilde x_n^\\top) = K^x_{nn}$ and $\\mathrm{tr}(\\tilde z_n\\tilde z_n^\\top) = K^z_{nn}$; the cross block has no diagonal.',
      'The selectors keep the first layer’s part for blocks all and first, the second layer’s for all and second.',
    ],
    implementation: ['@hsr/numeric hessianTraces'],
    verifiedBy: [...SWEPT, 'trace-equals-eigenvalue-sum', 'closed-form-traces-equal-dense-traces', 'traces-equal-autodiff', ...SYMBOLIC_TRACES],
    auditQuantities: ['traceH'],
    cost: '$O(N(hd + ch))$ after the per-sample curvature',
  }),
  entry({
    id: 'softmax-inner',
    label: 'eq:softmax-inner',
    title: 'Inner product of the output curvatures',
    displays: [show(def(SS)), captioned('for cross-entropy and label smoothing (the softmax covariance; the other losses: eq:loss-mse, eq:loss-binary-cross-entropy)', CROSS_ENTROPY.identities[1]!)],
    derivation: [
      'For cross-entropy, expand $\\langle\\mathrm{diag}\\,p_n - p_np_n^\\top, \\mathrm{diag}\\,p_m - p_mp_m^\\top\\rangle$ term by term: $\\langle\\mathrm{diag}\\,a, \\mathrm{diag}\\,b\\rangle = \\sum_k a_kb_k$ gives $\\sum_k p_{nk}p_{mk}$; the two mixed terms $\\langle\\mathrm{diag}\\,a, bb^\\top\\rangle = \\sum_k a_kb_k^2$ give $-\\sum_k p_{nk}p_{mk}(p_{nk} + p_{mk})$; $\\langle aa^\\top, bb^\\top\\rangle = (a^\\top b)^2$ gives $(p_n^\\top p_m)^2$.',
      'The code evaluates it entry-wise without cancellation (`softmaxCovarianceInner`, `softmaxCovarianceStack`): the expanded form loses all relative accuracy for over-confident samples.',
    ],
    implementation: ['@hsr/numeric LOSSES curvatureInner', '@hsr/numeric/internal softmaxCovarianceInner'],
    verifiedBy: [...SWEPT, 'closed-form-traces-equal-dense-traces', 'packages/numeric/test/hessianTrace.test.ts'],
    cost: '$O(c^2)$ per pair ($O(c)$ expanded)',
  }),
  entry({
    id: 'gamma-nm',
    label: 'eq:gamma-nm',
    title: 'Cross-block pair term Γ_nm',
    chainStep: 7,
    displays: [show(def(CC)), show(def(GAMMA))],
    derivation: [
      "Write sample $n$’s share of the cross block as $H^{(n)}_{ij,kl} = \\tilde x_{nj}(C_{n,ki}\\tilde z_{nl} + \\mathbb 1_H g_{nk}\\varphi'_{ni}\\mathbb 1[l = i])$. Then $\\langle H^{(n)}, H^{(m)}\\rangle = K^x_{nm}\\Gamma_{nm}$: the sum over $j$ gives $K^x_{nm}$, the $C\\cdot C$ term the sum over $l$ gives $K^z_{nm}$, and each term with an indicator collapses $l$ onto $i$.",
      'So $\\|H_{\\tilde W\\tilde V}\\|_F^2 = \\kappa^2\\sum_{nm}K^x_{nm}\\Gamma_{nm}$; the sweep checks each pair $(n, m)$ against the engines’ per-sample Hessians.',
    ],
    implementation: ['@hsr/numeric hessianTraces'],
    verifiedBy: [...SWEPT, 'closed-form-traces-equal-dense-traces', 'the per-pair reference @hsr/testkit pairSumTraceH2 (packages/numeric/test/hessianTrace.test.ts)'],
    cost: '$O(ch)$ per pair',
  }),
  entry({
    id: 'trace-h2',
    label: 'eq:trace-h2',
    title: 'T2 = tr H² in closed form',
    chainStep: 8,
    displays: [show(def(AA)), show(def(T2))],
    derivation: [
      '$\\mathrm{tr}H^2 = \\|H\\|_F^2 = \\|H_{\\tilde W\\tilde W}\\|_F^2 + \\|H_{\\tilde V\\tilde V}\\|_F^2 + 2\\|H_{\\tilde W\\tilde V}\\|_F^2$ for the symmetric $H$.',
      '$\\langle A\\otimes B, C\\otimes D\\rangle = \\langle A, C\\rangle\\langle B, D\\rangle$ turns each diagonal block into a pair sum: $\\langle A_n\\otimes\\tilde x_n\\tilde x_n^\\top, A_m\\otimes\\tilde x_m\\tilde x_m^\\top\\rangle = (K^x_{nm})^2\\langle A_n, A_m\\rangle$; the cross block gives $K^x_{nm}\\Gamma_{nm}$ (eq:gamma-nm).',
      'The sweep checks each of the three pair terms against the engines’ per-sample Hessian blocks, pair by pair, and the sum against the engines’ $\\sum_{ab}H_{ab}^2$.',
    ],
    implementation: ['@hsr/numeric hessianTraces'],
    verifiedBy: [...SWEPT, 'trace2-equals-eigenvalue-square-sum', 'closed-form-traces-equal-dense-traces', 'traces-equal-autodiff', ...SYMBOLIC_TRACES],
    auditQuantities: ['traceH2'],
    cost: '$O(N^2(h^2 + c^2 + ch))$, no eigen-decomposition',
  }),
  entry({
    id: 'ws-bounds',
    label: 'eq:ws-bounds',
    title: 'Wolkowicz–Styan eigenvalue bounds',
    chainStep: 9,
    displays: [
      show(def(PB)),
      show(def(MEAN), def(SPREAD)),
      show(ineq(LAMBDA_MAX_LOWER.body, ref(LAMBDA_MAX), LAMBDA_MAX_UPPER.body)),
      show(ineq(LAMBDA_MIN_LOWER.body, ref(LAMBDA_MIN), LAMBDA_MIN_UPPER.body)),
      captioned('the bound HSR descends, and its radius (the last form while $s^2$ is not clamped)', def(LAMBDA_MAX_UPPER), def(RADIUS), radiusIdentity),
    ],
    alsoDefines: [LAMBDA_MAX_LOWER, LAMBDA_MIN_UPPER, LAMBDA_MIN_LOWER],
    text: [[def(MEAN), def(SPREAD_SQUARED)], ineq(LAMBDA_MAX_LOWER.body, ref(LAMBDA_MAX), LAMBDA_MAX_UPPER.body), ineq(LAMBDA_MIN_LOWER.body, ref(LAMBDA_MIN), LAMBDA_MIN_UPPER.body)],
    derivation: [
      'Wolkowicz and Styan (1980), Linear Algebra Appl. 29, Thm 2.1, for any real symmetric matrix of size $P$ with $m = \\mathrm{tr}A/P$ and $s^2 = \\mathrm{tr}A^2/P - m^2$ (eq:s2-clamp).',
      '$P = 1$: $s = 0$ and every bound is $m$ (the code returns $m$ for the $s/\\sqrt{P-1}$ terms; docs/mathematics.md §2).',
      'The sweep checks the four bounds against the dense spectrum of the block (the symmetric eigensolver on the Hessian of eq:hessian-blocks).',
    ],
    implementation: ['@hsr/numeric wolkowiczStyanBounds'],
    verifiedBy: [...SWEPT, 'ws-bounds-enclose-spectrum', 'packages/numeric/test/wolkowiczStyan.test.ts', ...SYMBOLIC_TRACES],
    auditQuantities: ['lambdaMaxUpper', 'lambdaMaxLower', 'lambdaMinUpper', 'lambdaMinLower'],
    cost: '$O(1)$ given $T_1, T_2$',
  }),
  entry({
    id: 'range-bound',
    label: 'eq:range-bound',
    title: 'Spectral range bound',
    displays: [show(def(RANGE_UPPER)), show(ineq(sub(ref(LAMBDA_MAX), ref(LAMBDA_MIN)), RANGE_UPPER.body))],
    text: [ineq(sub(ref(LAMBDA_MAX), ref(LAMBDA_MIN)), RANGE_UPPER.body)],
    derivation: [
      'Same paper. For eigenvalues with mean $m$ and variance $s^2$, the range is largest when one eigenvalue sits at each of $m \\pm s\\sqrt{P/2}$ and the other $P - 2$ at $m$: their variance is $2(s^2P/2)/P = s^2$ and their range $2s\\sqrt{P/2} = s\\sqrt{2P}$.',
    ],
    implementation: ['@hsr/numeric wolkowiczStyanBounds'],
    verifiedBy: [...SWEPT, 'ws-bounds-enclose-spectrum', ...SYMBOLIC_TRACES],
    auditQuantities: ['rangeUpper'],
    cost: '$O(1)$',
  }),
  entry({
    id: 's2-clamp',
    label: 'eq:s2-clamp',
    title: 'Clamping the eigenvalue variance',
    displays: [show(def(SPREAD_SQUARED))],
    derivation: [
      '$s^2$ is the variance of the eigenvalues, so $\\ge 0$; cancellation can make the floating-point value slightly negative when all eigenvalues nearly coincide. It is clamped, and the result flags `clamped` and keeps the raw value.',
    ],
    implementation: ['@hsr/numeric wolkowiczStyanBounds'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/wolkowiczStyan.test.ts'],
    cost: '$O(1)$',
  }),
  entry({
    id: 'bound-gradient',
    label: 'eq:bound-gradient',
    title: 'Gradient of the bounds: the outer chain rule',
    chainStep: 10,
    displays: [
      show(def(ALPHA), def(BETA)),
      show(def(UPPER_GRADIENT.W), def(UPPER_GRADIENT.V)),
      captioned('the lower bound on $\\lambda_{\\min}$ and the range', def(ALPHA_LOWER), def(BETA_LOWER), def(ALPHA_RANGE), def(BETA_RANGE)),
      show(def(LOWER_GRADIENT.W), def(LOWER_GRADIENT.V)),
      show(def(RANGE_GRADIENT.W), def(RANGE_GRADIENT.V)),
    ],
    derivation: [
      'Chain rule on $U(T_1, T_2) = T_1/P + R$: $\\partial R/\\partial T = (\\partial R^2/\\partial T)/(2R)$ with $R^2 = (P-1)(T_2/P - T_1^2/P^2)$. The engines differentiate $U$ itself (mathjs) and $R^2$ with $R$ kept opaque (nerdamer, whose derivative of $\\sqrt{k S}$ is wrong, upstream #675).',
      'The lower bound $m - R$ flips the signs of the $R$ parts; the range bound is $\\sqrt{2P/(P-1)}\\,R$.',
      'At $R = 0$ (all eigenvalues equal) $R$ has no gradient: the code returns the minimum-norm subgradient $\\nabla T_1/P$ (0 for the range) and flags it `degenerate`.',
    ],
    implementation: ['@hsr/numeric boundGradient', '@hsr/numeric boundGradientFromTraces'],
    verifiedBy: [...SWEPT, 'bound-gradient-vs-central-difference', 'bound-gradients-equal-autodiff', ...SYMBOLIC_GRADIENTS],
    auditQuantities: ['boundGradient', 'boundValue'],
    cost: '$O(P)$ given $\\nabla T_1, \\nabla T_2$',
  }),
  entry({
    id: 'trace-gradient',
    label: 'eq:trace-gradient',
    aliases: ['eq:trace-seeds'],
    title: 'Gradients of T1 and T2, step 1: the seeds',
    chainStep: 11,
    displays: [
      captioned('for $T = T_1$', def(T1_SEEDS.Abar), def(T1_SEEDS.Sbar0), def(T1_SEEDS.Kzbar)),
      captioned('the other seeds of $T_1$ vanish', def(T1_SEEDS.Cbar), def(T1_SEEDS.gbar0), def(T1_SEEDS.phi1bar0), def(T1_SEEDS.zbar0)),
      captioned('for $T = T_2$', def(T2_SEEDS.Abar), def(T2_SEEDS.Sbar0)),
      show(def(T2_SEEDS.Cbar)),
      show(def(T2_SEEDS.Kzbar)),
      show(def(T2_SEEDS.gbar0)),
      show(def(T2_SEEDS.phi1bar0)),
      show(def(T2_SEEDS.zbar0)),
    ],
    derivation: [
      "Reverse mode, as in backprop: first the derivative of $T$ in the building blocks it is written in ($A_n$, $C_n$, $K^z_{nm}$, and $S_n$, $g_n$, $\\varphi'_n$, $z_n$ where they appear outside those blocks), each treated as independent. Each entry of a symmetric block is its own variable, so $\\bar A_n$ counts $A_{n,ii'}$ and $A_{n,i'i}$ separately.",
      'For $T_2$ these are the derivatives of the three pair sums of eq:trace-h2; with $\\omega_{nm} = 2\\kappa^2\\mathbb 1_W\\mathbb 1_V K^x_{nm}$ and $\\Gamma$’s two mixed $g$-terms equal after the symmetric sum, each $g$-term contributes twice.',
      'The sweep checks the seeds by letting the engines differentiate $T$ written in these blocks (as symbols), and the whole gradient against @hsr/numeric `traceGradients` and the engines’ third derivatives.',
    ],
    implementation: ['@hsr/numeric traceGradients'],
    verifiedBy: [...SWEPT, 'trace-gradient-vs-central-difference', 'trace-gradients-equal-autodiff', ...SYMBOLIC_GRADIENTS],
    auditQuantities: ['gradTraceH', 'gradTraceH2'],
    cost: '$O(N^2(h^2 + ch))$ for the $T_2$ seeds',
  }),
  entry({
    id: 'explicit-partials',
    label: 'eq:explicit-partials',
    title: 'Gradients of T1 and T2, step 2: push-down and the explicit partials',
    chainStep: 12,
    displays: [
      captioned('through $A_n$, $C_n$ and $\\delta_n$', def(T1_GRADIENT.deltabar), def(T1_GRADIENT.phi2bar)),
      show(def(T1_GRADIENT.Sbar)),
      show(def(T1_GRADIENT.gbar), def(T1_GRADIENT.zbar)),
      show(def(T1_GRADIENT.phi1bar)),
      captioned('the explicit partials', def(T1_GRADIENT.rv)),
      show(def(T1_GRADIENT.ru)),
      show(def(T1_GRADIENT.RV)),
    ],
    derivation: [
      "Push the seeds down through $A_n = \\varphi'\\varphi'(V^\\top S_nV) + \\mathbb 1_H\\mathbb 1[i = i']\\delta_n\\varphi''_n$, $C_n = S_nVD_n$, $\\delta_n = V^\\top g_n$ and $K^z_{nm} = \\tilde z_n^\\top\\tilde z_m$ by the product rule, term by term (symmetric $\\bar A_n$ and $S_n$).",
      "Then $T$ is a function of $u_n$ (through $\\varphi'_n$, $\\varphi''_n$, $z_n$), of $v_n$ (through $g_n$ and $S_n$, with $\\partial g_n/\\partial v_n = S_n$ and $\\partial S_n/\\partial v_n = \\mathcal S_n$ from the loss table) and of $V$ explicitly: $r^u_n$, $r^v_n$ and $R^V$ are those three explicit partials. $\\varphi'''$ enters only through $\\bar\\varphi''_n$, i.e. through the diagonal term of $A_n$, which Gauss–Newton does not have.",
      'Shown for either trace (the formulas are the same; the seeds differ). The sweep checks $r^u_n$, $r^v_n$, $R^V$ for $T_1$ and $T_2$ by letting the engines differentiate $T$ written out in $u_n$, $v_n$ and $V$.',
    ],
    implementation: ['@hsr/numeric traceGradients'],
    verifiedBy: [...SWEPT, 'trace-gradient-vs-central-difference', 'trace-gradients-equal-autodiff'],
    cost: '$O(N(c^2h + ch^2))$ after the seeds',
  }),
  entry({
    id: 'grad-assembly',
    label: 'eq:grad-assembly',
    title: 'Gradients of T1 and T2, step 3: the assembly',
    chainStep: 13,
    displays: [show(def(T1_GRADIENT.q)), show(def(T1_GRADIENT.gradW), def(T1_GRADIENT.gradV))],
    derivation: [
      "The chain rule through $v_n = \\tilde V\\tilde z_n$ and $u_n = \\tilde W\\tilde x_n$, as in backprop: $r^v_n$ reaches $\\tilde V$ directly and $u_n$ through $V$ and $\\varphi'_n$; $R^V$ is added to the first $h$ columns of $\\partial_{\\tilde V}T$ (the bias column has no explicit part).",
      'Instantiated for $T_1$ and $T_2$; $\\nabla U$ then follows by eq:bound-gradient.',
    ],
    implementation: ['@hsr/numeric traceGradients'],
    verifiedBy: [...SWEPT, 'trace-gradient-vs-central-difference', 'trace-gradients-equal-autodiff', ...SYMBOLIC_GRADIENTS],
    auditQuantities: ['gradTraceH', 'gradTraceH2'],
    cost: '$O(N(hd + ch))$; the whole gradient $O(N^2(h^2 + ch + c) + N(hd + ch^2 + c^2h))$',
  }),
];

const HVP: FormulaEntry[] = [
  entry({
    id: 'hessian-vector-product',
    label: 'eq:hessian-vector-product',
    title: 'Hessian-vector product',
    displays: [show(def(HVP_R), def(HVP_RHO), def(HVP_W)), show(def(HVP_S)), show(def(HVP_Q)), show(def(HVP_OUT_W)), show(def(HVP_OUT_V))],
    derivation: [
      'Pearlmutter’s R-operator written out from the blocks of eq:hessian-blocks: $r_n, \\rho_n, w_n$ are the directional changes of $u_n$, $z_n$ and (from the second layer) $v_n$, $t_n$ the resulting change of $g_n$; the $\\mathbb 1_H$ terms are the diagonal term of $A_n$ and the cross block’s $g$-term.',
      'A block variant restricts the direction and the output by the selectors; Gauss–Newton drops the $\\mathbb 1_H$ terms.',
    ],
    implementation: ['@hsr/numeric hessianVectorProduct', '@hsr/numeric hessianOperator'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/hessianVectorProduct.test.ts'],
    cost: '$O(N(h\\tilde d + c\\tilde h))$ per product after a shared forward pass; memory $O(N(h + c) + P)$',
  }),
  {
    id: 'lanczos',
    label: 'eq:lanczos',
    aliases: [],
    title: 'Lanczos extremes from Hessian-vector products',
    kind: 'specification',
    displays: [],
    // A specification: an iteration, not a formula the notation evaluates (its output is checked).
    latex: [String.raw`\beta_j q_{j+1} = H q_j - \alpha_j q_j - \beta_{j-1}q_{j-1},\qquad \alpha_j = q_j^\top Hq_j,\qquad T_k = Q_k^\top H Q_k = \mathrm{tridiag}(\beta, \alpha, \beta)`],
    variables: [
      { symbol: 'q_j', meaning: 'the Lanczos vectors, orthonormal (full reorthogonalisation, twice)' },
      { symbol: '\\theta_i', meaning: 'Ritz values: the eigenvalues of $T_k$' },
    ],
    derivation: [
      'Lanczos (1950); Golub & Van Loan, Matrix Computations, 4th ed., §10.1. The products $Hq_j$ come from eq:hessian-vector-product, so no $P \\times P$ matrix is formed.',
      'The residual of a Ritz pair is $\\beta_k|s_{k,i}|$ and, by Weyl, an eigenvalue of $H$ lies within it: iteration stops when both extremes’ residuals are below the tolerance.',
      'What is checked is the output: the sweep compares the extremes with the dense spectrum of the Hessian of eq:hessian-blocks.',
    ],
    implementation: ['@hsr/numeric extremeEigenvalues', '@hsr/numeric lanczosExtremes'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/lanczos.test.ts'],
    auditQuantities: [],
    cost: 'one Hessian-vector product per iteration plus $O(jP)$ reorthogonalisation; memory $O(kP)$',
    definitions: [],
  },
];

// The general-depth formulas (docs/mathematics.md §9): one step of each recursion for a generic
// layer l (or pair l > l'), evaluated layer by layer on networks of depth 3 and 4 (verification/deep.ts).
const DEEP_TESTS = 'packages/numeric/test/deep';
const DEEP: FormulaEntry[] = [
  entry({
    id: 'deep-forward',
    label: 'eq:deep-forward',
    title: 'Networks of any depth: the forward pass',
    displays: [show(def(deep.DEEP_U), def(deep.DEEP_NEXT_INPUT)), show(def(deep.DEEP_PHI1), def(deep.DEEP_PHI2))],
    variables: [
      { symbol: 'l = 0, \\dots, L-1', meaning: 'the layer ($L \\ge 2$ linear layers, the last giving the logits $v_n = u^{L-1}_n$; the CLI counts from 1)' },
      { symbol: 'n_l, m_l', meaning: 'inputs and outputs of layer $l$ ($n_{l+1} = m_l$, $n_0 = d$, $m_{L-1} = c$); $\\tilde n_l = n_l + 1$, $\\tilde m_l = m_l + 1$ with biases' },
      { symbol: '\\varphi_l', meaning: "layer $l$'s activation (one per hidden layer)" },
    ],
    derivation: [
      'Definition (docs/mathematics.md §9): $\\tilde a^0_n = [x_n; 1]$, $u^l_n = \\tilde W_l\\tilde a^l_n$, $\\tilde a^{l+1}_n = [\\varphi_l(u^l_n); 1]$ for $l < L-1$, and $L = \\kappa\\sum_n\\ell(v_n)$ with $v_n = u^{L-1}_n$ and the loss of the loss table (eq:loss-table), which enters nothing else.',
      'Parameters are flattened as $\\theta = (\\mathrm{vec_{row}}\\tilde W_0, \\dots, \\mathrm{vec_{row}}\\tilde W_{L-1})$ (numeric `deep/model.ts`); at $L = 2$ this is eq:loss with $\\tilde W_0 = [W \\mid b]$, $\\tilde W_1 = [V \\mid a]$.',
      'The notation has no recursion: each formula of this and the following entries is one step for a generic layer, and the sweep evaluates the steps layer by layer on networks of depth 3 and 4, each reading the values the definitions produced for the step before.',
    ],
    implementation: ['@hsr/numeric deepForwardPass', '@hsr/numeric deepLoss'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/forward.test.ts`, `${DEEP_TESTS}/golden.test.ts`],
    cost: '$O(NP)$, one product per layer',
  }),
  entry({
    id: 'deep-loss-gradient',
    label: 'eq:deep-loss-gradient',
    title: 'Networks of any depth: backpropagation and the loss gradient',
    displays: [captioned('from the output error of the loss table', def(deep.DEEP_DELTA_TOP)), show(def(deep.DEEP_T), def(deep.DEEP_DELTA)), show(def(deep.DEEP_LOSS_GRADIENT))],
    derivation: [
      "$\\delta^l_n = \\partial\\ell_n/\\partial u^l_n$: $v_n$ depends on $u^l_n$ through $u^{l+1}_n = W_{l+1}\\varphi_l(u^l_n) + b_{l+1}$, so the chain rule gives $\\delta^l_n = \\varphi_l'\\odot W_{l+1}^\\top\\delta^{l+1}_n$ from $\\delta^{L-1}_n = g_n$; $u^l_n$ is linear in $\\tilde W_l$, so $\\partial_{\\tilde W_l}L = \\kappa\\sum_n\\delta^l_n\\tilde a^{l\\top}_n$.",
      "At $L = 2$, $\\delta^0_n = \\varphi'_n\\odot\\delta_n$ of eq:loss-gradient and $\\delta^1_n = g_n$.",
      'The sweep checks $\\delta^l_n$ against the engines’ gradient of the loss written out in $u^l_n$ (the network above layer $l$ with its weights as symbols) and the gradient against numeric.',
    ],
    implementation: ['@hsr/numeric deepLossGradient', '@hsr/numeric deepForwardPass (backpropagate)'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/forward.test.ts`],
    cost: '$O(NP)$',
  }),
  entry({
    id: 'deep-lambda',
    label: 'eq:deep-lambda',
    title: 'Networks of any depth: the curvature Λ^l in each layer',
    displays: [captioned('from the output curvature of the loss table', def(deep.DEEP_LAMBDA_TOP)), show(def(deep.DEEP_Q)), show(def(deep.DEEP_LAMBDA))],
    derivation: [
      "$\\Lambda^l_n = \\partial^2\\ell_n/\\partial(u^l_n)^2$: differentiating $\\delta^l_n = \\varphi_l'\\odot W_{l+1}^\\top\\delta^{l+1}_n$ once more in $u^l_n$, through $\\delta^{l+1}_n$ (whose derivative in $u^{l+1}_n$ is $\\Lambda^{l+1}_n$) gives $D^l_nW_{l+1}^\\top\\Lambda^{l+1}_nW_{l+1}D^l_n$, through $\\varphi_l'$ the diagonal term.",
      'Gauss–Newton ($\\mathbb 1_H = 0$) drops the diagonal term at every layer, leaving $M^\\top S_nM$ with $M = \\partial v_n/\\partial u^l_n$. At $L = 2$, $\\Lambda^0_n = A_n$ (eq:a-n) and $\\Lambda^1_n = S_n$.',
      'The sweep checks $\\Lambda^l_n$ against the engines’ Hessian of the loss written out in $u^l_n$ (Gauss–Newton: $F^\\top S_nF$ from their Jacobian $F$ of the logits and their $S_n$) and against numeric.',
    ],
    implementation: ['@hsr/numeric/internal deepSampleCurvature'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/hessian.test.ts`],
    cost: '$O(m_{l+1}m_l(m_{l+1} + m_l))$ per sample and layer',
  }),
  entry({
    id: 'deep-jacobians',
    label: 'eq:deep-jacobians',
    title: 'Networks of any depth: the Jacobians between layers',
    displays: [show(def(deep.DEEP_JACOBIAN_G), def(deep.DEEP_JACOBIAN_F)), show(def(deep.DEEP_JACOBIAN_X))],
    derivation: [
      "For $l > l'$, from $F^{l',l'}_n = I$ upward: $a^l_n = \\varphi_{l-1}(u^{l-1}_n)$, so $G^{l,l'}_n = D^{l-1}_nF^{l-1,l'}_n$, and $u^l_n = W_la^l_n + b_l$, so $F^{l,l'}_n = W_lG^{l,l'}_n$. For adjacent layers $G^{l,l-1}_n = D^{l-1}_n$ is diagonal.",
      "$X^{l,l'}_n = \\Lambda^l_nF^{l,l'}_n = \\partial\\delta^l_n/\\partial u^{l'}_n$ through $u^l_n$: together with the Gauss–Newton cross term, because $\\partial v_n/\\partial u^{l'}_n = (\\partial v_n/\\partial u^l_n)F^{l,l'}_n$. At $L = 2$, $X^{1,0}_n = C_n$ (eq:c-n) and $G^{1,0}_n = D_n$.",
      "The sweep checks $F$ and $G$ against the engines’ Jacobians of $u^l_n$ and $a^l_n$ written out in $u^{l'}_n$, and $F$, $G$, $X$ against numeric.",
    ],
    implementation: ['@hsr/numeric/internal deepSampleCurvature'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/hessian.test.ts`],
    cost: "$O(n_lm_{l'}(m_l + m_{l-1}) + m_l^2m_{l'})$ per sample and pair; for adjacent layers $G$ is diagonal and $F$ a column scaling of $W_l$",
  }),
  entry({
    id: 'deep-hessian-blocks',
    label: 'eq:deep-hessian-blocks',
    title: 'Networks of any depth: the Hessian blocks',
    displays: [show(def(deep.DEEP_H_DIAGONAL)), show(def(deep.DEEP_G_AUGMENTED)), show(def(deep.DEEP_H_CROSS))],
    derivation: [
      "$\\partial u^l_n/\\partial\\tilde W_l[i, j] = e_i\\tilde a^l_{nj}$, so the loss gradient in layer $l$ is $\\kappa\\sum_n\\delta^l_n\\tilde a^{l\\top}_n$ (eq:deep-loss-gradient); differentiating it in $\\tilde W_l$ gives $\\Lambda^l_n\\otimes\\tilde a^l_n\\tilde a^{l\\top}_n$, and in $\\tilde W_{l'}$ ($l' < l$) two terms: through $\\delta^l_n$ ($X^{l,l'}_n$, eq:deep-jacobians) and through the layer input $a^l_n$ itself ($\\delta^l_nG^{l,l'}_n$, which only an unaugmented entry has; Gauss–Newton drops it).",
      'At $L = 2$ these are eq:hessian-blocks’ $H_{\\tilde W\\tilde W}$, $H_{\\tilde V\\tilde V}$ and (transposed) $H_{\\tilde W\\tilde V}$.',
      'A block of layers $B$ keeps the rows and columns of its layers; the sweep assembles the block from these definitions and compares it with numeric’s dense deep Hessian.',
    ],
    implementation: ['@hsr/numeric deepDenseHessian'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/hessian.test.ts`, `${DEEP_TESTS}/golden.test.ts`],
    cost: '$O(NP_B^2)$ dense (the reference the closed forms are held to; nothing on the data path forms it)',
  }),
  entry({
    id: 'deep-trace-h',
    label: 'eq:deep-trace-h',
    title: 'Networks of any depth: T1 = tr H in closed form',
    displays: [show(def(deep.DEEP_GRAM), def(deep.DEEP_TRACE_LAMBDA)), show(def(deep.DEEP_T1_LAYER)), captioned('over the layers of the block $B$', def(deep.DEEP_T1))],
    derivation: [
      '$\\mathrm{tr}(\\Lambda\\otimes\\tilde a\\tilde a^\\top) = \\mathrm{tr}\\Lambda\\,\\|\\tilde a\\|^2$ on each diagonal block; the cross blocks have no diagonal. At the last layer $\\mathrm{tr}\\Lambda^{L-1}_n = \\mathrm{tr}S_n$, which the code takes from the loss table without $1 - p_{\\max}$ (eq:softmax-covariance).',
      'At $L = 2$ this is eq:trace-h. The sweep checks $T_1$ against the trace of the blocks of eq:deep-hessian-blocks, of numeric’s dense deep Hessian, and against numeric’s closed form.',
    ],
    implementation: ['@hsr/numeric deepHessianTraces'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/traces.test.ts`, `${DEEP_TESTS}/golden.test.ts`],
    cost: '$O(N\\sum_{l\\in B}(m_l + \\tilde n_l))$ after $\\Lambda$',
  }),
  entry({
    id: 'deep-trace-h2',
    label: 'eq:deep-trace-h2',
    title: 'Networks of any depth: T2 = tr H² in closed form',
    displays: [
      show(def(deep.DEEP_LAMBDA_INNER), def(deep.DEEP_X_INNER)),
      show(def(deep.DEEP_G_INNER), def(deep.DEEP_DELTA_INNER)),
      show(def(deep.DEEP_GRAM_LOWER)),
      show(def(deep.DEEP_GAMMA)),
      show(def(deep.DEEP_T2_LAYER)),
      show(def(deep.DEEP_T2_PAIR)),
      captioned('over the layers of the block $B$', def(deep.DEEP_T2)),
    ],
    derivation: [
      "$\\mathrm{tr}H^2 = \\|H\\|_F^2 = \\sum_{l\\in B}\\|H_{ll}\\|_F^2 + 2\\sum_{l > l'\\in B}\\|H_{ll'}\\|_F^2$. $\\langle A\\otimes B, C\\otimes D\\rangle = \\langle A, C\\rangle\\langle B, D\\rangle$ turns each diagonal block into $\\sum_{nm}(K^l_{nm})^2\\langle\\Lambda^l_n, \\Lambda^l_m\\rangle$.",
      "Sample $n$’s share of a cross block is $(Y_n + O_n)\\otimes\\tilde a^{l'}_n$ with $Y_n[i, j, r] = X_{n,ir}\\tilde a^l_{nj}$ and $O_n[i, j, r] = \\delta^l_{ni}\\tilde G_{n,jr}$, so $\\langle H^{(n)}_{ll'}, H^{(m)}_{ll'}\\rangle = K^{l'}_{nm}\\langle Y_n + O_n, Y_m + O_m\\rangle = K^{l'}_{nm}\\Gamma^{l,l'}_{nm}$: $\\langle Y_n, Y_m\\rangle = K^l_{nm}\\langle X_n, X_m\\rangle$, the two mixed terms are $\\delta^\\top_mX_nG^\\top_ma^l_n$ and its mirror, $\\langle O_n, O_m\\rangle = (\\delta_n\\cdot\\delta_m)\\langle G_n, G_m\\rangle$. Gauss–Newton keeps the first term. At $L = 2$ this is eq:trace-h2 with eq:gamma-nm.",
      'Nothing of size $P^2$ is formed. The sweep checks each pair term, pair by pair, against the per-sample blocks of numeric’s dense deep Hessian, and $T_2$ against the squared norm of the definitions’ blocks and of numeric’s dense Hessian and against numeric’s closed form.',
    ],
    implementation: ['@hsr/numeric deepHessianTraces'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/traces.test.ts`, `${DEEP_TESTS}/golden.test.ts`],
    cost: "$O(N^2)$ times $m_l^2/4$ per layer and $m_lm_{l'}/2$ (plus $n_lm_{l'}/2 + m_lm_{l'}$ for non-adjacent layers) per pair of layers, after the per-sample pieces",
  }),
  entry({
    id: 'deep-trace-gradient',
    label: 'eq:deep-trace-gradient',
    title: 'Networks of any depth: the gradients of T1, T2 and the bounds, the seeds',
    displays: [
      captioned('of $\\tau^l_1$', def(deep.DEEP_SEEDS.lambda1), def(deep.DEEP_SEEDS.gram1)),
      captioned('of $\\tau^l_2$', def(deep.DEEP_SEEDS.lambda2), def(deep.DEEP_SEEDS.gram2)),
      captioned("of $\\tau^{ll'}_2$", def(deep.DEEP_SEEDS.X)),
      show(def(deep.DEEP_SEEDS.delta)),
      show(def(deep.DEEP_SEEDS.G)),
      show(def(deep.DEEP_SEEDS.input)),
      show(def(deep.DEEP_SEEDS.gramPair), def(deep.DEEP_SEEDS.gramLower)),
    ],
    derivation: [
      "Reverse mode over the closed form's own steps: first the adjoints of each per-layer term of $T_1$, $T_2$ in the building blocks it is written in ($\\Lambda^l$, $K^l$, $X^{l,l'}$, $\\delta^l$, $G^{l,l'}$, the layer input $a^l$ where it enters outside $K^l$, $K^{l'}$), each entry its own variable; $\\nabla(c_1T_1 + c_2T_2)$ sums them over the block with weights $c_1$, $c_2$.",
      "Then the steps above in reverse order (docs/mathematics.md §9, *Gradients*): through $X = \\Lambda F$, $F = W_lG$, $G = D^{l-1}F^{l-1}$, the $\\Lambda$ recursion (whose $\\bar\\Lambda^{L-1}$ reaches $v_n$ through the loss's third derivative), backpropagation and the forward pass, where $\\bar u^l = \\bar\\varphi'\\odot\\varphi'' + \\bar\\varphi''\\odot\\varphi''' + \\bar a^{l+1}\\odot\\varphi'$. A bound's gradient is $\\alpha\\nabla T_1 + \\beta\\nabla T_2$ (eq:bound-gradient), one sweep with seed $(\\alpha, \\beta)$.",
      "The sweep checks the seeds by letting the engines differentiate each $\\tau$ written in its building blocks (as symbols), numeric's whole reverse sweep (`deepTraceGradients`) against the five-point stencil of the definitions' own $T_1$ and $T_2$ in every parameter, and numeric's one-sweep bound gradients (`deepBoundGradient`, upper, lower and range) against eq:bound-gradient applied to that stencil. The steps of the reverse sweep after the seeds are not definitions of their own yet.",
    ],
    implementation: ['@hsr/numeric deepTraceGradients', '@hsr/numeric deepBoundGradient'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/traceGradient.test.ts`],
    cost: "the order of the traces' own: $O(N^2\\sum_l(m_l^2 + m_lm_{l'} + n_lm_{l'}) + N\\sum_l m_{l+1}m_l(m_{l+1} + m_l))$ per sweep; memory $O(N^2\\max m_{l'} + N\\sum_l m_l^2 + N\\sum n_lm_{l'})$, nothing of size $P^2$, no pass per parameter",
  }),
  entry({
    id: 'deep-hessian-vector-product',
    label: 'eq:deep-hessian-vector-product',
    title: 'Networks of any depth: the Hessian-vector product',
    displays: [
      captioned('forward, from $\\mathcal Ra^{l_0}_n = 0$ at the lowest layer of the block', def(deep.DEEP_R_U), def(deep.DEEP_R_NEXT_INPUT)),
      captioned('backward, from the output', def(deep.DEEP_R_DELTA_TOP)),
      show(def(deep.DEEP_R_DELTA)),
      captioned('the product, for $l \\in B$', def(deep.DEEP_R_INPUT_AUGMENTED)),
      show(def(deep.DEEP_HVP)),
    ],
    derivation: [
      "Pearlmutter's R-operator (Neural Computation 6, 1994): $\\mathcal R$ is the directional derivative along $v = (V_l)_l$ (zero outside $B$) of the forward pass and of backpropagation, and $Hv$ is $\\mathcal R$ of the gradient $\\kappa\\sum_n\\delta^l_n\\tilde a^{l\\top}_n$. Restricting $v$ to $B$ and reading $B$'s rows gives exactly $H_{BB}v_B$.",
      "Gauss–Newton drops the three terms that carry $\\delta$ (the $V^\\top\\delta$ and $\\varphi''$ parts of $\\mathcal R\\delta$ and $\\delta(\\mathcal R\\tilde a)^\\top$). At $L = 2$ it is eq:hessian-vector-product term for term.",
      'The sweep checks it against the definitions’ blocks times $v$ and against numeric’s product.',
    ],
    implementation: ['@hsr/numeric deepHessianVectorProduct', '@hsr/numeric deepHessianOperator'],
    verifiedBy: [...SWEPT, `${DEEP_TESTS}/hessianVectorProduct.test.ts`],
    cost: '$O(NP)$ per product (about two forward passes) after one shared forward pass and backpropagation; memory $O(N\\sum_l m_l + P)$',
  }),
];

const TRAINING: FormulaEntry[] = [
  entry({
    id: 'training-updates',
    label: 'eq:train-updates',
    aliases: ['eq:train-plain', 'eq:train-hsr-step', 'eq:train-hsr-penalty', 'eq:train-sam'],
    title: 'Training updates compared',
    displays: [
      captioned('plain: $\\theta \\leftarrow \\mathrm{opt}(d)$ with', def(DIR_PLAIN)),
      captioned('hsr-step: $\\theta \\leftarrow \\mathrm{opt}(d) + \\Delta$ with the plain $d$ and', def(NORM_GRAD_U), def(HSR_STEP)),
      captioned('hsr-penalty: $\\theta \\leftarrow \\mathrm{opt}(d)$ with', def(DIR_PENALTY)),
      captioned('SAM: $\\theta \\leftarrow \\mathrm{opt}(d)$ with', def(NORM_GRAD_L), def(SAM_EPSILON), def(DIR_SAM)),
    ],
    variables: [{ symbol: '\\mathrm{opt}', meaning: "the optimizer's update along a direction (eq:optimizer-sgd, eq:optimizer-momentum, eq:optimizer-adam)" }],
    derivation: [
      'hsr-step and hsr-penalty are the two readings (A) and (B) of HSR regularisation (docs/mathematics.md §6): a normalised step of fixed length $\\rho$ beside the optimizer’s own step, or $U$ added to the loss with weight $\\lambda$. $U$ and $\\nabla U$ are those of the chosen variant’s Hessian on the batch; the loss is always the batch mean.',
      'SAM is Foret et al. (2021), Algorithm 1 ($p = 2$, the second-order term dropped), with the same batch for both passes.',
      'Where $\\nabla U = 0$ or $U$ is degenerate ($s = 0$), the regulariser is skipped for that step and counted; where $\\nabla L = 0$, SAM’s step is plain.',
      'The sweep checks one full-batch step of @hsr/numeric `train` for each method and optimizer against these definitions.',
    ],
    implementation: ['@hsr/numeric train', '@hsr/numeric trainAsync'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/training/train.test.ts'],
    cost: "$O(B(hd + ch))$ per step for $L$, twice that for SAM, plus the bound gradient's cost for the hsr methods",
  }),
  entry({
    id: 'optimizer-sgd',
    label: 'eq:optimizer-sgd',
    title: 'SGD with decoupled weight decay',
    displays: [show(def(SGD))],
    derivation: ['Weight decay is decoupled (Loshchilov & Hutter 2019): $\\eta\\omega\\theta$ of the parameters before the step; for SGD this equals an $L_2$ penalty $(\\omega/2)\\|\\theta\\|^2$.'],
    implementation: ['@hsr/numeric createOptimizer'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/training/optimizers.test.ts'],
    cost: '$O(P)$ per step',
  }),
  entry({
    id: 'optimizer-momentum',
    label: 'eq:optimizer-momentum',
    title: 'Heavy-ball momentum',
    displays: [show(def(MOMENTUM_BUFFER), def(MOMENTUM))],
    derivation: ['PyTorch’s convention: no dampening, $m = 0$ before the first step; decoupled weight decay as for SGD.'],
    implementation: ['@hsr/numeric createOptimizer'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/training/optimizers.test.ts'],
    cost: '$O(P)$ per step',
  }),
  entry({
    id: 'optimizer-adam',
    label: 'eq:optimizer-adam',
    title: 'Adam',
    displays: [show(def(ADAM_M), def(ADAM_V)), show(def(ADAM_M_HAT), def(ADAM_V_HAT)), show(def(ADAM))],
    derivation: ['Kingma & Ba (2015), Algorithm 1, with $\\beta_1 = 0.9$, $\\beta_2 = 0.999$, $\\varepsilon = 10^{-8}$; decoupled weight decay (AdamW).'],
    implementation: ['@hsr/numeric createOptimizer'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/training/optimizers.test.ts'],
    cost: '$O(P)$ per step',
  }),
  entry({
    id: 'relative-sharpness',
    label: 'eq:relative-sharpness',
    title: 'Scale-aware (relative) sharpness',
    displays: [show(def(NORM_THETA_SQUARED), def(RELATIVE_SHARPNESS))],
    derivation: [
      'Along the top eigenvector, a perturbation of relative size $\\epsilon$ raises the loss by about $\\tfrac12\\epsilon^2\\|\\theta\\|^2\\lambda_{\\max}$; dividing by $P$ makes it comparable across widths.',
      '$\\lambda_{\\max}$ alone falls when the weights grow and predictions saturate; $\\kappa_{\\mathrm{rel}}$ charges that growth back (docs/guide-sharpness.md).',
    ],
    implementation: ['@hsr/numeric relativeSharpness'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/training/sharpness.test.ts'],
    cost: '$O(P)$ given $\\lambda_{\\max}$',
  }),
  {
    id: 'paired-verdict',
    label: 'eq:paired-verdict',
    aliases: [],
    title: 'Paired verdict on a claim (over seeds)',
    kind: 'specification',
    displays: [],
    // A specification: a decision rule, not a formula the notation evaluates (its tests check it).
    latex: [
      String.raw`r_s = \ln\frac{m_s}{b_s}\ \text{(positive quantities) or } m_s - b_s,\quad I_s = \mp r_s,\quad d_s = I_s - \beta;\qquad
\text{holds iff } \tilde p < \alpha \text{ and } \bar d > 0;\quad \text{does not hold iff } \tilde p < \alpha \text{ and } \bar d < 0`,
    ],
    variables: [
      { symbol: 'm_s, b_s', meaning: "the HSR run's and the baseline's values for seed $s$, from the same initial model and split" },
      { symbol: 'I_s', meaning: 'the improvement: $-r_s$ when lower is better, $r_s$ when higher is' },
      { symbol: '\\beta', meaning: 'the boundary: the smallest effect worth the name ($-\\ln 0.99$, a 1% change) for "better" claims, minus the margin for "not worse" claims' },
      { symbol: '\\tilde p', meaning: 'the Holm-adjusted two-sided p of mean $d = 0$: paired t-test per data set, sign-flip permutation test pooled over data sets; $\\alpha = 0.05$' },
    ],
    derivation: [
      'Log-ratios make the comparison scale-free across seeds and data sets whose values differ several-fold. Testing $d$ against the boundary rather than 0 keeps a consistent but negligible difference from being called an effect and a knife-edge mean from holding. Otherwise inconclusive; fewer than two paired seeds give no test and are inconclusive.',
    ],
    implementation: ['@hsr/cli evaluateClaims (report/verdicts.ts), with report/statistics.ts'],
    verifiedBy: ['packages/cli/test/report/verdicts.test.ts', 'packages/cli/test/report/statistics.test.ts'],
    auditQuantities: [],
    cost: '$O(n)$ per data set for $n$ seeds; pooled over $n$ pairs, $O(2^n)$ exactly up to $n = 20$, else $O(nB)$ for $B = 10^5$ sampled sign patterns',
    definitions: [],
  },
];

/** The sweep's checks of the estimators (symbolic verification/run.ts estimatorLegs). */
const ESTIMATOR_SWEPT = [...SWEPT, 'packages/symbolic/test/verification/run.test.ts'];

/**
 * The Hessian's diagonal and the stochastic estimators `hsr estimate` measures against the
 * closed forms (numeric's estimators/, docs/estimators.md), with the statistics behind their
 * checks. The estimators are definitions over the block's Hessian $H$ and the probes; the sweep
 * gives them the probes numeric draws from the same seed and holds them to numeric's estimators
 * on the same matrix, and their moments to every Rademacher probe and to the dense spectrum.
 */
const ESTIMATORS: FormulaEntry[] = [
  entry({
    id: 'hessian-diagonal',
    label: 'eq:hessian-diagonal',
    title: 'Diagonal of the Hessian in closed form',
    displays: [
      show(def(DIAG_W), def(DIAG_V)),
      captioned('for cross-entropy and label smoothing, as the code evaluates it: a weighted variance', def(VBAR), DIAG_A_WEIGHTED),
      captioned('and their diagonal of $S_n$ (the softmax losses only)', DIAG_S),
      captioned('its sum is $T_1$', DIAG_SUM),
    ],
    derivation: [
      "The diagonal entries of the blocks of eq:hessian-blocks: $i = i'$, $j = j'$ in $H_{\\tilde W\\tilde W}$ and $k = k'$, $l = l'$ in $H_{\\tilde V\\tilde V}$; the cross block $H_{\\tilde W\\tilde V}$ holds no diagonal entry.",
      "For cross-entropy $(V^\\top S_nV)_{ii} = \\sum_k p_{nk}V_{ki}^2 - \\bar v_{ni}^2$, which the code evaluates as the weighted variance $\\sum_k p_{nk}(V_{ki} - \\bar v_{ni})^2$ (every term $\\ge 0$, no cancellation), and $1 - p_{nk}$ for the largest probability as the sum of the others, so saturated samples keep their relative accuracy. Gauss–Newton ($\\mathbb 1_H = 0$) drops $\\delta_{ni}\\varphi''_{ni}$.",
      'The sum of its squares, $\\sum_a H_{aa}^2$, is the diagonal term of the variance of Rademacher Hutchinson (eq:hutchinson-trace), at any $P$.',
    ],
    implementation: ['@hsr/numeric hessianDiagonal'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/hessianDiagonal.test.ts'],
    cost: '$O(N(hc + h\\tilde d + c\\tilde h)) = O(NP)$',
  }),
  entry({
    id: 'hutchinson-trace',
    label: 'eq:hutchinson-trace',
    title: 'Girard–Hutchinson trace estimator',
    displays: [show(def(QUADRATIC), def(T1_HAT)), captioned('its variance, for Gaussian and for Rademacher probes', def(T1_HAT_VAR_GAUSS)), show(def(T1_HAT_VAR_RADEMACHER))],
    derivation: [
      '$E[v^\\top Hv] = \\mathrm{tr}(H\\,E[vv^\\top]) = \\mathrm{tr}H$ (Girard 1989, Hutchinson 1989): the estimate is unbiased for any probe with $E[vv^\\top] = I$.',
      'The variance of a quadratic form in independent entries (Avron & Toledo 2011): $\\mathrm{Var}(v^\\top Hv) = 2\\|H\\|_F^2$ for Gaussian entries; Rademacher entries have $v_a^2 = 1$, so the diagonal of $H$ carries none of it. $\\sum_{a,b}H_{ab}^2 = T_2$ and $\\sum_a H_{aa}^2$ comes from eq:hessian-diagonal, so the variances are known at any $P$.',
      'The sweep gives the definition the probes numeric draws from the same seed and compares it with numeric `hutchinsonTrace` on the same matrix; its mean over all $2^P$ Rademacher probes with $T_1$; the Rademacher variance with the exact variance over those probes and the Gaussian one with $2\\sum\\lambda^2/m$ from the dense spectrum.',
    ],
    implementation: ['@hsr/numeric hutchinsonTrace', '@hsr/numeric hutchinsonTraces', '@hsr/numeric hutchinsonSamples', '@hsr/numeric quadraticFormVariance'],
    verifiedBy: [...ESTIMATOR_SWEPT, 'packages/numeric/test/estimators/hutchinson.test.ts', 'packages/numeric/test/estimators/hutchinson.slow.test.ts'],
    cost: '$m$ Hessian-vector products plus $O(mP)$',
  }),
  entry({
    id: 'frobenius-estimator',
    label: 'eq:frobenius-estimator',
    title: 'Frobenius-norm estimator of T2',
    displays: [show(def(H_PROBE), def(SQUARED_NORM)), show(def(T2_HAT)), captioned('its variance, for Gaussian and for Rademacher probes', def(H_SQUARED), def(T2_HAT_VAR_GAUSS)), show(def(T2_HAT_VAR_RADEMACHER))],
    derivation: [
      "$\\|Hv\\|^2 = v^\\top H^2v$: eq:hutchinson-trace applied to $H^2$ (curvlinops' `hutchinson_squared_fro`), so the same products give $\\widehat{T_1}$ and $\\widehat{T_2}$ and the variances are those of eq:hutchinson-trace with $H^2$ for $H$: $\\sum_{a,b}(H^2)_{ab}^2 = \\mathrm{tr}H^4$.",
      'The sweep compares the definition with numeric `frobeniusNormSquared` on the same probes and matrix, its mean over all Rademacher probes with $T_2$, and the variances with the exact variance over those probes and with $2\\sum\\lambda^4/m$.',
    ],
    implementation: ['@hsr/numeric frobeniusNormSquared', '@hsr/numeric hutchinsonTraces'],
    verifiedBy: [...ESTIMATOR_SWEPT, 'packages/numeric/test/estimators/hutchinson.test.ts', 'packages/numeric/test/estimators/hutchinson.slow.test.ts'],
    cost: '$m$ Hessian-vector products plus $O(mP)$; the variances need the dense $H$ ($O(P^3)$)',
  }),
  entry({
    id: 'quadratic-form-kurtosis',
    label: 'eq:quadratic-form-kurtosis',
    title: "Excess kurtosis of one probe's quadratic form",
    displays: [
      captioned('Gaussian probes', def(KURTOSIS_GAUSS)),
      captioned('Rademacher probes, with $B$ the off-diagonal part of $H$', def(OFF_DIAGONAL), def(OFF_DIAGONAL_SQUARED), def(ROW_SQUARES)),
      show(def(KURTOSIS_RADEMACHER)),
      captioned('bounds from $\\|H\\|_2$ alone, for when $H$ is too large to form', KURTOSIS_BOUND_GAUSS, KURTOSIS_BOUND_RADEMACHER),
    ],
    derivation: [
      'The excess kurtosis $\\kappa_4/\\kappa_2^2$ of $X = v^\\top Hv$. Gaussian: $X = \\sum\\lambda_i z_i^2$, whose cumulants are $\\kappa_r = 2^{r-1}(r-1)!\\sum\\lambda_i^r$, so $\\kappa_2 = 2\\,\\mathrm{tr}H^2$ and $\\kappa_4 = 48\\,\\mathrm{tr}H^4$.',
      'Rademacher (derived in numeric `statistics.ts`): $X - \\mathrm{tr}H = \\sum_{a<b} 2B_{ab}v_av_b$, and $E[v_av_bv_cv_d\\cdots]$ is 1 exactly when every index occurs an even number of times; the fourth moment counts the repeated pairs and the 4-cycles of $B$, $\\kappa_2 = 2\\|B\\|_F^2$.',
      'The bounds: $\\mathrm{tr}H^4 \\le \\|H\\|_2^2\\,\\mathrm{tr}H^2$; $\\|B\\|_2 \\le 2\\|H\\|_2$ and $|B_{ab}| \\le \\|H\\|_2$. With $P = 1$, $B = 0$ and the Rademacher form is constant (numeric returns 0).',
      'The sweep compares both with numeric `quadraticFormExcessKurtosis` on the same matrix, the Rademacher one with the exact kurtosis over all $2^P$ probes and the Gaussian one with $12\\sum\\lambda^4/(\\sum\\lambda^2)^2$ from the dense spectrum, and checks the bounds with $\\|H\\|_2$ from that spectrum.',
    ],
    implementation: ['@hsr/numeric quadraticFormExcessKurtosis', '@hsr/numeric quadraticFormExcessKurtosisBound'],
    verifiedBy: [...ESTIMATOR_SWEPT, 'packages/numeric/test/estimators/statistics.test.ts'],
    cost: '$O(P^3)$ exact; the bounds $O(1)$ given $\\|H\\|_2$, $T_2$ and $\\sum_a H_{aa}^2$',
  }),
  entry({
    id: 'hutch-plus-plus',
    label: 'eq:hutch-plus-plus',
    title: 'Hutch++',
    displays: [
      captioned('the sketch: $k = \\lfloor m/3\\rfloor$ probes $S$, $Q$ an orthonormal basis of the span of $HS$', def(SKETCH_M), def(SKETCH_TRACE)),
      captioned('Hutchinson on the compression of $H$, with the $m - 2k$ complement probes', def(PROJECTED_PROBE)),
      show(def(COMPLEMENT_FORM)),
      show(def(HUTCH_PLUS_PLUS)),
      captioned('the form the code evaluates: one product $Hg_q$ per probe, the projections as $r$-vectors', COMPLEMENT_FORM_EXPANDED),
    ],
    derivation: [
      'Meyer, Musco, Musco & Woodruff (2021), Algorithm 1: unbiased for any $Q$ independent of the $g_q$, the second term being Hutchinson on the compression $(I - QQ^\\top)H(I - QQ^\\top)$, whose trace is $\\mathrm{tr}H - \\mathrm{tr}(Q^\\top HQ)$.',
      'Exact when $\\mathrm{rank}\\,H \\le k$; variance at most $2\\|H\\|_F^2/(m - 2k)$; $O(1/\\epsilon)$ products give a $(1\\pm\\epsilon)$ estimate of a PSD trace. The orthonormalisation is an algorithm, not a formula: $Q$ is an input, and the estimate depends on its span only.',
      'Nested budgets share one set of draws: the basis of the first $k$ sketch vectors is a prefix of $Q$.',
      'The sweep builds $Q$ from the sketch probes numeric draws from the same seed (its own Gram–Schmidt on $HS$) and compares the definition with numeric `hutchPlusPlus` on the same matrix, relative to $\\|H\\|_F$, and its mean over all $2^P$ Rademacher complement probes with $T_1$.',
    ],
    implementation: ['@hsr/numeric hutchPlusPlus', '@hsr/numeric hutchPlusPlusAtBudgets'],
    verifiedBy: [...ESTIMATOR_SWEPT, 'packages/numeric/test/estimators/hutchPlusPlus.test.ts', 'packages/numeric/test/estimators/orthonormalize.test.ts'],
    cost: 'at most $m$ products plus $O(Pk^2 + Pk(m - 2k))$',
  }),
  entry({
    id: 'xtrace',
    label: 'eq:xtrace',
    title: 'XTrace',
    displays: [captioned('$k = \\lfloor m/2\\rfloor$ probes $w_q$; $Q_q$ an orthonormal basis of the products of the other $k - 1$', def(XTRACE_TRACE), def(XTRACE_PROJECTED)), show(def(XTRACE_FORM)), show(def(XTRACE))],
    derivation: [
      'Epperly, Tropp & Webber (2024): each term is unbiased given the other $k - 1$ probes, on which alone $Q_q$ depends; no closed-form variance.',
      'The code evaluates it from one factorisation: with $QR = HW$, $Q_qQ_q^\\top = Q(I - s_qs_q^\\top)Q^\\top$ for $s_q$ the normalised $q$-th column of $R^{-\\top}$. When $HW$ has rank $r < k$ ($R$ singular) it returns $\\mathrm{tr}(Q^\\top HQ)$ instead, which is $\\mathrm{tr}H$ when $Q$ spans the range of $H$ ($\\mathrm{rank}\\,H < k$ or $k \\ge P$), but not when the probes themselves are dependent (repeated Rademacher probes at small $P$).',
      'The leave-one-out bases are an algorithm, not a formula: the projectors are inputs. The sweep builds them from the probes numeric draws from the same seed ($k$ Gram–Schmidt runs on the other products) and compares the definition with numeric `xtrace` on the same matrix, relative to $\\|H\\|_F$, wherever the sketch has full rank.',
    ],
    implementation: ['@hsr/numeric xtrace', '@hsr/numeric xtraceAtBudgets'],
    verifiedBy: [...ESTIMATOR_SWEPT, 'packages/numeric/test/estimators/xtrace.test.ts'],
    cost: '$2k$ products plus $O(Pk^2)$, and $O(k^3)$ per budget',
  }),
  entry({
    id: 'sample-variance-interval',
    label: 'eq:sample-variance-interval',
    title: 'Interval for a sample variance (moment-matched chi-square)',
    displays: [
      captioned('the exact variance of the sample variance $s^2$ of $n$ i.i.d. values', def(SAMPLE_VARIANCE_VARIANCE)),
      captioned('the chi-square with that variance (Satterthwaite 1946)', def(DEGREES_OF_FREEDOM), MOMENT_MATCH),
      captioned('the interval $s^2$ falls in with probability $\\approx c$', def(INTERVAL_LOW), def(INTERVAL_HIGH)),
    ],
    derivation: [
      '$\\mathrm{Var}(s^2) = \\mu_4/n - \\sigma^4(n-3)/(n(n-1))$ for any i.i.d. values with fourth central moment $\\mu_4 = \\sigma^4(\\gamma_2 + 3)$, which is the first line.',
      'A scaled $\\sigma^2\\chi^2_\\nu/\\nu$ has mean $\\sigma^2$ and variance $2\\sigma^4/\\nu$; matching that to $\\mathrm{Var}(s^2)$ gives $\\nu$. For Gaussian values $\\gamma_2 = 0$, $\\nu = n - 1$ and this is the exact chi-square interval. The code clamps $\\gamma_2$ at $-2$, the smallest excess kurtosis any distribution has, against round-off.',
      'The quantiles are inputs: numeric finds them by bisection of the regularised incomplete gamma function (checked against its defining CDF and published tables by the tests listed). The sweep compares $\\nu$ and the interval with numeric `sampleVarianceInterval` at the case’s Rademacher variance and kurtosis, and $\\mathrm{Var}(s^2)$ with the exact variance of $s^2$ over every tuple of $n = 2, 3$ Rademacher probes.',
    ],
    implementation: ['@hsr/numeric sampleVarianceInterval', '@hsr/numeric chiSquareQuantile'],
    verifiedBy: [...ESTIMATOR_SWEPT, 'packages/numeric/test/estimators/statistics.test.ts'],
    cost: '$O(1)$ given $\\sigma^2$ and $\\gamma_2$, and a bisection per quantile',
  }),
  {
    id: 'pyhessian-rules',
    label: 'eq:pyhessian-trace-rule',
    aliases: [],
    title: "PyHessian's adaptive stopping rules",
    kind: 'specification',
    displays: [],
    // A specification: a rule for when to stop drawing probes, not a closed form (its output is checked).
    latex: [String.raw`\text{stop at the first } j:\ \frac{|\bar t_j - \bar t_{j-1}|}{|\bar t_{j-1}| + 10^{-6}} < 10^{-3},\quad j \le 100,\quad \bar t_0 = 0`],
    variables: [{ symbol: '\\bar t_j', meaning: 'trace(): the running mean of Rademacher $v^\\top Hv$ (eq:hutchinson-trace); eigenvalues(): the Rayleigh quotient of power iteration (eq:power-iteration)' }],
    derivation: [
      "Reproduced rule for rule from PyHessian's source: trace() returns the running mean; eigenvalues() returns the previous Rayleigh quotient, as its loop breaks before updating.",
      'The $10^{-6}$ is absolute, so neither rule is scale-invariant; $10^{-3}$ bounds a relative change of the estimate, not its error.',
      'What is checked on the sweep is the output of trace(): its estimate is the mean of the definition’s $v_q^\\top Hv_q$ over the probes it drew, and the rule applied to their running means stops where numeric stopped.',
    ],
    implementation: ['@hsr/numeric pyhessianTrace', '@hsr/numeric pyhessianTraceRule', '@hsr/numeric pyhessianTopEigenvalue'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/estimators/pyhessian.test.ts'],
    auditQuantities: [],
    cost: 'at most 100 products',
    definitions: [],
  },
  {
    id: 'power-iteration',
    label: 'eq:power-iteration',
    aliases: [],
    title: 'Power iteration for the eigenvalue of largest magnitude',
    kind: 'specification',
    displays: [],
    // A specification: an iteration, not a formula the notation evaluates (its output is checked).
    latex: [String.raw`v_0 \sim \mathcal N(0, I)/\|\cdot\|,\qquad w_j = Hv_{j-1},\quad \theta_j = v_{j-1}^\top w_j,\quad v_j = w_j/\|w_j\|`],
    variables: [
      { symbol: '\\theta_j', meaning: 'the Rayleigh quotient after $j$ Hessian-vector products: the estimate at budget $j$' },
      { symbol: '\\|w_j - \\theta_jv_{j-1}\\|', meaning: 'the residual, a bound (Weyl) on the distance from $\\theta_j$ to an eigenvalue of $H$' },
    ],
    derivation: [
      'von Mises (1929); Golub & Van Loan, Matrix Computations, 4th ed., §8.2.1. It converges to the eigenvalue of largest magnitude (so to $\\lambda_{\\min}$ when $|\\lambda_{\\min}| > \\lambda_{\\max}$), with error $O((|\\lambda_2|/|\\lambda_1|)^{2j})$: set by the gap, not by sampling, so no variance formula.',
      'Once the residual is at round-off ($64\\varepsilon|\\theta_j|$) the run stops and larger budgets report that iterate.',
      'What is checked on the sweep is the output: $\\theta_j$ lies within its residual of an eigenvalue of the dense spectrum of the checked Hessian.',
    ],
    implementation: ['@hsr/numeric powerIteration', '@hsr/numeric powerIterationAtBudgets'],
    verifiedBy: [...SWEPT, 'packages/numeric/test/estimators/extremeEigenvalue.test.ts'],
    auditQuantities: [],
    cost: 'one Hessian-vector product per iteration plus $O(P)$',
    definitions: [],
  },
];

function activationEntry(name: Activation): FormulaEntry {
  const rule = ACTIVATIONS[name];
  const defs = ACTIVATION_DEFINITIONS[name];
  return entry({
    id: `activation-${name}`,
    label: `eq:activation-${name}`,
    title: `Activation ${name} and its first three derivatives`,
    displays: [show(...defs.auxiliary.map(def)), show(def(defs.derivatives[0]), def(defs.derivatives[1])), show(def(defs.derivatives[2]), def(defs.derivatives[3]))],
    derivation: [
      `Formula \`${rule.formula}\` (numeric's table); the two engines differentiate that text three times (\`hsr derive --activation ${name}\`)${name === 'gelu' ? '; mathjs cannot differentiate erf, so GELU is checked by nerdamer, the table and a five-point difference' : ''}.`,
      "$\\varphi'$ and $\\varphi''$ enter the Hessian; $\\varphi'''$ enters the bound's gradient.",
    ],
    implementation: [`@hsr/numeric ACTIVATIONS.${name}`],
    verifiedBy: [...SWEPT, 'activation-derivatives', 'packages/numeric/test/activations.test.ts', 'packages/symbolic/test/activation.test.ts'],
    auditQuantities: ["phi'", "phi''", "phi'''"],
    cost: '$O(1)$ per unit',
  });
}

/** Every registry entry, in document order. */
export const FORMULA_REGISTRY: readonly FormulaEntry[] = [...CORE, ...HVP, ...DEEP, ...TRAINING, ...ESTIMATORS, ...ACTIVATION_NAMES.map(activationEntry)];

/** The one entry carrying `label` as its label or an alias (throws when none or several do: a label names one formula). */
export function formulaByLabel(label: string): FormulaEntry {
  const found = FORMULA_REGISTRY.filter((e) => e.label === label || e.aliases.includes(label));
  if (found.length !== 1) throw new Error(`formula registry: ${found.length === 0 ? 'no entry' : `${found.length} entries`} with label ${label}`);
  return found[0]!;
}

/** The entry that owns a definition (by the definition's name). */
export function entryOfDefinition(name: string): FormulaEntry | undefined {
  return FORMULA_REGISTRY.find((e) => e.definitions.some((d) => d.name === name));
}
