/**
 * The formula registry, the one owner of the project's formulas: one entry per formula the code
 * implements, holding its executable definitions (definitions/*.ts, in the index notation of
 * notation/expression.ts), never LaTeX typed by hand. The display LaTeX of the docs and the
 * report and the plain text of `--help` are rendered from those definitions (notation/latex.ts);
 * the sweep (verification/) evaluates the same definitions on generated shapes and compares
 * them with nerdamer, mathjs and @hsr/numeric, and the docs show per entry what that checked.
 *
 * Two entries are specifications rather than formulas (the Lanczos recurrence, the paired
 * verdict): an algorithm or a decision rule the notation does not evaluate. Their statement is
 * typed, marked `specification`, and the docs say that what is checked is their output, by the
 * tests listed, not the statement.
 *
 * The entries follow the derivation chain of the bound and its gradient (docs/derivation.md):
 * loss -> g_n -> S_n -> A_n, C_n -> the Hessian blocks -> T1, T2 -> alpha, beta -> the seeds and
 * explicit partials -> grad T -> grad U; then the Hessian-vector product and Lanczos, training,
 * and the activations.
 *
 * This module loads neither computer-algebra engine (`@hsr/symbolic/registry`), so a command
 * that only prints formulas does not pay for nerdamer and mathjs.
 */
import { ACTIVATION_NAMES, ACTIVATIONS, type Activation } from '@hsr/numeric';
import { ACTIVATION_DEFINITIONS } from './definitions/activations.ts';
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
import { CROSS_ENTROPY } from './definitions/losses.ts';
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
      'Each loss supplies $\\ell_n$, $g_n$, $S_n$ and $\\mathcal S_n$; every later formula is written in these four, never in the softmax, so a new loss (mean squared error, label smoothing, binary cross-entropy) only adds a row to the loss table (`definitions/losses.ts`).',
      "For cross-entropy: $\\partial p_{nk}/\\partial v_{nk'} = S_{n,kk'}$, so $g_n = p_n - y_n$ and $S_n = \\mathrm{diag}(p_n) - p_np_n^\\top$, the covariance of the softmax; differentiating $S_{n,kk'} = \\mathbb 1[k = k']p_{nk} - p_{nk}p_{nk'}$ once more with the same rule gives $\\mathcal S_n$.",
      '$S_n\\mathbf 1 = 0$: $S_n$ is singular. $\\mathrm{tr}S_n = 1 - \\|p_n\\|^2$ subtracts $O(1)$ terms for a saturated sample; the code sums $p_k(1 - p_k)$ with $1 - p_{\\max}$ taken as the sum of the other probabilities (docs/mathematics.md §4, *corrected (saturation)*).',
    ],
    implementation: ['@hsr/numeric forwardPass (p, g)', '@hsr/numeric sampleCurvature (S)', '@hsr/numeric/internal softmaxCovarianceTrace'],
    verifiedBy: [...SWEPT, 'hessian-vs-gradient-central-difference', 'hessian-equals-autodiff'],
    cost: '$O(Nc^2)$ ($O(Nc^3)$ for $\\mathcal S_n$, which the code never forms: it contracts it with $\\bar S_n$ in $O(c^2)$)',
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
    displays: [show(def(SS)), captioned('for cross-entropy', CROSS_ENTROPY.identities[1]!)],
    derivation: [
      'For cross-entropy, expand $\\langle\\mathrm{diag}\\,p_n - p_np_n^\\top, \\mathrm{diag}\\,p_m - p_mp_m^\\top\\rangle$ term by term: $\\langle\\mathrm{diag}\\,a, \\mathrm{diag}\\,b\\rangle = \\sum_k a_kb_k$ gives $\\sum_k p_{nk}p_{mk}$; the two mixed terms $\\langle\\mathrm{diag}\\,a, bb^\\top\\rangle = \\sum_k a_kb_k^2$ give $-\\sum_k p_{nk}p_{mk}(p_{nk} + p_{mk})$; $\\langle aa^\\top, bb^\\top\\rangle = (a^\\top b)^2$ gives $(p_n^\\top p_m)^2$.',
      'The code evaluates it entry-wise without cancellation (`softmaxCovarianceInner`, `softmaxCovarianceStack`): the expanded form loses all relative accuracy for over-confident samples.',
    ],
    implementation: ['@hsr/numeric/internal softmaxCovarianceInner'],
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
      String.raw`I_s = \pm\,(b_s - m_s),\quad \bar I = \operatorname{mean}_s I_s,\quad \sigma = \operatorname{sd}_s I_s;\qquad
\text{better: holds iff } \bar I > \tau = \max(\sigma,\ 0.01\,|\bar b|);\qquad
\text{not worse: holds iff } \bar I - \sigma > -\delta`,
    ],
    variables: [
      { symbol: 'm_s, b_s', meaning: "the HSR run's and the baseline's final values for seed $s$, from the same initial model and split" },
      { symbol: '\\tau, \\delta', meaning: 'the decisiveness threshold and the allowed shortfall' },
    ],
    derivation: [
      'The sign makes $I > 0$ mean that HSR is better. "Does not hold" when decisively the other way ($\\bar I < -\\tau$, or $\\bar I + \\sigma < -\\delta$); otherwise inconclusive; fewer than two paired seeds give no spread and are inconclusive.',
    ],
    implementation: ['@hsr/cli pairedVerdict (report/verdicts.ts)'],
    verifiedBy: ['packages/cli/test/report/verdicts.test.ts'],
    auditQuantities: [],
    cost: '$O(n)$ for $n$ seeds',
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
export const FORMULA_REGISTRY: readonly FormulaEntry[] = [...CORE, ...HVP, ...TRAINING, ...ACTIVATION_NAMES.map(activationEntry)];

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
