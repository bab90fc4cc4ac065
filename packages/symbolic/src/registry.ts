/**
 * The formula registry, the one owner of the project's formula text: one entry per formula the
 * code implements, with its equation label, LaTeX (the project's own templates, each rendered
 * by KaTeX with throwOnError in test/docs.test.ts), a plain-text form where a terminal shows it,
 * its variables, a derivation outline, the implementing function and the properties and tests
 * that verify it. docs/formulas.md and docs/formulas.html are generated from this list alone
 * (see docs.ts); the reproduction report and `hsr bound --help` select entries by label.
 *
 * This module loads neither computer-algebra engine (`@hsr/symbolic/registry`), so a command
 * that only prints formulas does not pay for nerdamer and mathjs.
 */
import { ACTIVATIONS, ACTIVATION_NAMES, type Activation } from '@hsr/numeric';

export interface FormulaVariable {
  /** LaTeX symbol. */
  readonly symbol: string;
  readonly meaning: string;
}

export interface FormulaEntry {
  readonly id: string;
  /** Equation label as used in doc comments, e.g. `eq:trace-h`. */
  readonly label: string;
  readonly title: string;
  /** Display formulas (LaTeX, one per line of the display). */
  readonly latex: readonly string[];
  /** The same formulas as plain text for a terminal (`hsr bound --help`), where one is shown. */
  readonly text?: readonly string[];
  readonly variables: readonly FormulaVariable[];
  /** Derivation outline, one step per item (may contain inline `$...$` LaTeX). */
  readonly derivation: readonly string[];
  /** Implementing function(s), e.g. `@hsr/numeric hessianTraces`. */
  readonly implementation: readonly string[];
  /** Named properties and test files that verify it. */
  readonly verifiedBy: readonly string[];
  /** Audit-table quantity names (crosscheck `AuditRow.quantity`) whose rows report on this entry. */
  readonly auditQuantities: readonly string[];
  /** Cost, in words. */
  readonly cost: string;
}

const V_N: FormulaVariable = { symbol: 'n = 1..N', meaning: 'sample index; $N$ samples' };
const KAPPA: FormulaVariable = { symbol: '\\kappa', meaning: '$1/N$ for the mean loss, $1$ for the sum (the sum multiplies $H$ and every bound by $N$)' };
const P_N: FormulaVariable = { symbol: 'p_n', meaning: 'softmax probabilities $\\mathrm{softmax}(v_n) \\in \\mathbb R^c$' };
const S_N: FormulaVariable = { symbol: 'S_n', meaning: 'softmax covariance $\\mathrm{diag}(p_n) - p_np_n^\\top$ (c x c)' };
const G_N: FormulaVariable = { symbol: 'g_n', meaning: 'output error $p_n - y_n$ ($y_n$ one-hot)' };
const XT: FormulaVariable = { symbol: '\\tilde x_n, \\tilde z_n', meaning: 'input and hidden activations, augmented by a trailing 1 when biases are on' };
const PHI_N: FormulaVariable = { symbol: "\\varphi'_n, \\varphi''_n", meaning: 'activation derivatives at $u_n$ (vectors of length h)' };
const T12: FormulaVariable = { symbol: 'T_1, T_2', meaning: '$\\mathrm{tr}H$ and $\\mathrm{tr}H^2 = \\|H\\|_F^2$' };
const P_COUNT: FormulaVariable = { symbol: 'P', meaning: 'number of parameters the Hessian block covers' };
const SYMBOLIC_AGREEMENT = 'packages/symbolic/test/symbolicNetwork*.test.ts (nerdamer and mathjs derivations vs @hsr/numeric at RTOL_VS_SYMBOLIC)';
/** The crosscheck properties of the symbolic leg (run by `hsr audit` on networks small enough to derive). */
const SYMBOLIC_TRACES = ['traces-equal-nerdamer', 'traces-equal-mathjs'];
const SYMBOLIC_GRADIENTS = ['trace-gradients-equal-nerdamer', 'trace-gradients-equal-mathjs'];

const CORE: FormulaEntry[] = [
  {
    id: 'loss',
    label: 'eq:loss',
    title: 'Network and cross-entropy loss',
    latex: [
      'u_n = W x_n + b,\\quad z_n = \\varphi(u_n),\\quad v_n = V z_n + a,\\quad p_n = \\mathrm{softmax}(v_n)',
      'L = \\kappa \\sum_{n=1}^N \\Big(\\log\\sum_k e^{v_{nk}} - v_{n y_n}\\Big) = \\kappa\\sum_{n=1}^N \\log\\Big(1 + \\sum_{k\\ne y_n} e^{v_{nk} - v_{ny_n}}\\Big)',
    ],
    variables: [
      { symbol: 'W, b', meaning: 'first layer, $h \\times d$ and $h$ (b absent without biases)' },
      { symbol: 'V, a', meaning: 'second layer, $c \\times h$ and $c$' },
      { symbol: '\\varphi', meaning: 'elementwise $C^3$ activation' },
      { symbol: 'y_n', meaning: 'label of sample n, in $0..c-1$' },
      KAPPA,
      V_N,
    ],
    derivation: [
      'Definition (docs/mathematics.md §1). The second form is the first shifted by the label logit: it never overflows, and it is the only form given to nerdamer, which simplifies $\\log(e^a + e^b)$ to 1 (docs/mathematics.md §7).',
      'Parameters are flattened as $\\theta = (\\mathrm{vec_{row}}[W\\mid b], \\mathrm{vec_{row}}[V\\mid a])$.',
    ],
    implementation: ['@hsr/numeric loss', '@hsr/numeric forwardPass'],
    verifiedBy: ['loss-gradient-vs-central-difference', 'PyTorch golden fixtures (packages/numeric/test/golden)', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['loss'],
    cost: '$O(N(hd + ch))$',
  },
  {
    id: 'loss-gradient',
    label: 'eq:loss-gradient',
    title: 'Gradient of the loss (backpropagation)',
    latex: ["\\partial_{\\tilde V} L = \\kappa\\sum_n g_n \\tilde z_n^\\top,\\qquad q_n = \\varphi'(u_n)\\odot V^\\top g_n,\\qquad \\partial_{\\tilde W} L = \\kappa\\sum_n q_n \\tilde x_n^\\top"],
    variables: [G_N, XT, KAPPA, { symbol: '\\tilde W, \\tilde V', meaning: '$[W\\mid b]$ and $[V\\mid a]$' }],
    derivation: ['$\\partial \\ell_n/\\partial v_n = p_n - y_n = g_n$ for the softmax cross-entropy.', 'Chain rule through $v_n = \\tilde V\\tilde z_n$ and $z_n = \\varphi(u_n)$, $u_n = \\tilde W\\tilde x_n$.'],
    implementation: ['@hsr/numeric lossGradient'],
    verifiedBy: ['loss-gradient-vs-central-difference', 'loss-gradient-equals-autodiff', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['gradient', 'lossGradient'],
    cost: '$O(N(hd + ch))$',
  },
  {
    id: 'softmax-covariance',
    label: 'eq:softmax-covariance',
    title: 'Softmax covariance and output error',
    latex: ['S_n = \\mathrm{diag}(p_n) - p_n p_n^\\top,\\qquad g_n = p_n - y_n,\\qquad \\delta_n = V^\\top g_n'],
    variables: [P_N, G_N, { symbol: '\\delta_n', meaning: 'error back-propagated to the hidden layer (length h)' }],
    derivation: ['$S_n = \\partial^2 \\ell_n / \\partial v_n^2 = \\partial p_n/\\partial v_n$: the Jacobian of softmax.', '$S_n \\mathbf 1 = 0$, so $S_n$ is singular; $\\mathrm{tr}S_n = 1 - \\|p_n\\|^2$.'],
    implementation: ['@hsr/numeric sampleCurvature'],
    verifiedBy: ['hessian-vs-gradient-central-difference', 'hessian-equals-autodiff', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: [],
    cost: '$O(Nc^2)$',
  },
  {
    id: 'a-n',
    label: 'eq:a-n',
    title: 'First-layer curvature A_n',
    latex: ["A_n = D_n V^\\top S_n V D_n + \\mathrm{diag}(\\delta_n \\odot \\varphi''(u_n)),\\qquad D_n = \\mathrm{diag}(\\varphi'(u_n))"],
    variables: [S_N, PHI_N, { symbol: '\\delta_n', meaning: '$V^\\top g_n$' }],
    derivation: [
      'Differentiate $\\partial\\ell_n/\\partial u_n = D_n V^\\top g_n$ once more in $u_n$: the first term from $g_n$ through $p_n$ (Gauss–Newton part), the second from $D_n$ itself.',
      "Gauss–Newton drops the $\\mathrm{diag}(\\delta_n\\odot\\varphi'')$ term.",
    ],
    implementation: ['@hsr/numeric sampleCurvature'],
    verifiedBy: ['hessian-vs-gradient-central-difference', 'hessian-equals-autodiff', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: [],
    cost: '$O(N(c h^2 + c^2 h))$',
  },
  {
    id: 'c-n',
    label: 'eq:c-n',
    title: 'Cross curvature C_n',
    latex: ['C_n = S_n V D_n \\quad (c \\times h)'],
    variables: [S_N, { symbol: 'D_n', meaning: "$\\mathrm{diag}(\\varphi'(u_n))$" }],
    derivation: ['$\\partial^2\\ell_n/\\partial v_n\\partial u_n = S_n V D_n$; it is the Gauss–Newton part of the cross block $H_{WV}$.'],
    implementation: ['@hsr/numeric sampleCurvature'],
    verifiedBy: ['closed-form-traces-equal-dense-traces', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: [],
    cost: '$O(Nc^2h)$',
  },
  {
    id: 'hessian-ww',
    label: 'eq:hessian-blocks',
    title: 'Hessian block H_WW',
    latex: ['H_{WW} = \\kappa\\sum_n A_n \\otimes \\tilde x_n \\tilde x_n^\\top'],
    variables: [{ symbol: 'A_n', meaning: 'first-layer curvature (eq:a-n)' }, XT, KAPPA],
    derivation: ['$u_n = \\tilde W \\tilde x_n$ is linear in $\\tilde W$; with row-major vec, $\\partial u_{ni}/\\partial \\tilde W_{ij} = \\tilde x_{nj}$, giving the Kronecker product.'],
    implementation: ['@hsr/numeric denseHessian'],
    verifiedBy: ['hessian-symmetric', 'hessian-vs-gradient-central-difference', 'hessian-equals-autodiff', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['hessian'],
    cost: '$O(N h^2 (d+1)^2)$',
  },
  {
    id: 'hessian-vv',
    label: 'eq:hessian-blocks',
    title: 'Hessian block H_VV',
    latex: ['H_{VV} = \\kappa\\sum_n S_n \\otimes \\tilde z_n \\tilde z_n^\\top'],
    variables: [S_N, XT, KAPPA],
    derivation: ['$v_n = \\tilde V\\tilde z_n$ is linear in $\\tilde V$ and $\\partial^2\\ell_n/\\partial v_n^2 = S_n$.'],
    implementation: ['@hsr/numeric denseHessian'],
    verifiedBy: ['hessian-symmetric', 'hessian-vs-gradient-central-difference', 'hessian-equals-autodiff', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['hessian'],
    cost: '$O(N c^2 (h+1)^2)$',
  },
  {
    id: 'hessian-wv',
    label: 'eq:hessian-blocks',
    title: 'Hessian block H_WV',
    latex: ["[H_{WV}]_{(i,j),(k,l)} = \\kappa\\sum_n \\tilde x_{nj}\\,\\varphi'_{ni}\\big[(S_n V)_{ki}\\,\\tilde z_{nl} + g_{nk}\\,\\mathbb 1[l = i]\\big]"],
    variables: [S_N, G_N, PHI_N, XT, { symbol: '(i,j), (k,l)', meaning: 'row-major indices of $\\tilde W_{ij}$ and $\\tilde V_{kl}$' }],
    derivation: [
      'Differentiate $\\partial\\ell_n/\\partial\\tilde V_{kl} = g_{nk}\\tilde z_{nl}$ in $\\tilde W_{ij}$: through $g_{nk}$ (the $S_nV$ term) and through $\\tilde z_{nl} = \\varphi(u_{nl})$ when $l = i$ (the $g$ term, the one most often forgotten).',
      'With biases, $l$ runs over $h+1$ columns and the indicator never fires for the bias column.',
    ],
    implementation: ['@hsr/numeric denseHessian'],
    verifiedBy: ['hessian-symmetric', 'hessian-vs-gradient-central-difference', 'hessian-equals-autodiff', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['hessian'],
    cost: '$O(N h(d+1)c(h+1))$',
  },
  {
    id: 'trace-h',
    label: 'eq:trace-h',
    title: 'T1 = tr H in closed form',
    latex: [
      'T_1 = \\kappa \\sum_n \\Big[\\|\\tilde x_n\\|^2\\,\\mathrm{tr}A_n + (1 - \\|p_n\\|^2)\\,\\|\\tilde z_n\\|^2\\Big]',
      "\\mathrm{tr}A_n = \\sum_i \\big[\\varphi'^2_{ni}\\,V_{:i}^\\top S_n V_{:i} + \\varphi''_{ni}\\,\\delta_{ni}\\big]",
    ],
    variables: [XT, P_N, PHI_N, KAPPA, { symbol: 'V_{:i}', meaning: 'column i of V' }],
    derivation: ['$\\mathrm{tr}(A\\otimes B) = \\mathrm{tr}A\\,\\mathrm{tr}B$ on the two diagonal blocks; $\\mathrm{tr}(\\tilde x\\tilde x^\\top) = \\|\\tilde x\\|^2$, $\\mathrm{tr}S_n = 1 - \\|p_n\\|^2$.'],
    implementation: ['@hsr/numeric hessianTraces'],
    verifiedBy: ['trace-equals-eigenvalue-sum', 'closed-form-traces-equal-dense-traces', 'traces-equal-autodiff', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['traceH'],
    cost: '$O(N(hd + ch))$',
  },
  {
    id: 'trace-h2',
    label: 'eq:trace-h2',
    title: 'T2 = tr H^2 in closed form',
    latex: ['T_2 = \\kappa^2\\sum_{n,m}\\Big[(K^x_{nm})^2\\langle A_n, A_m\\rangle + (K^z_{nm})^2 \\langle S_n, S_m\\rangle + 2K^x_{nm}\\Gamma_{nm}\\Big]'],
    variables: [
      { symbol: 'K^x_{nm}, K^z_{nm}', meaning: 'Gram matrices $\\tilde x_n^\\top\\tilde x_m$ and $\\tilde z_n^\\top\\tilde z_m$' },
      { symbol: '\\langle\\cdot,\\cdot\\rangle', meaning: 'Frobenius inner product' },
      { symbol: '\\Gamma_{nm}', meaning: 'cross-block pair term (eq:gamma-nm)' },
      KAPPA,
    ],
    derivation: [
      '$\\|H\\|_F^2 = \\|H_{WW}\\|_F^2 + \\|H_{VV}\\|_F^2 + 2\\|H_{WV}\\|_F^2$.',
      '$\\langle A\\otimes B, C\\otimes D\\rangle = \\langle A, C\\rangle\\langle B, D\\rangle$ turns each diagonal block into a pair sum over Gram matrices.',
      'Expanding $\\|H_{WV}\\|_F^2$ over pairs gives $K^x_{nm}\\Gamma_{nm}$.',
    ],
    implementation: ['@hsr/numeric hessianTraces'],
    verifiedBy: ['trace2-equals-eigenvalue-square-sum', 'closed-form-traces-equal-dense-traces', 'traces-equal-autodiff', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['traceH2'],
    cost: '$O(N^2(h^2 + c^2 + ch))$, no eigen-decomposition',
  },
  {
    id: 'gamma-nm',
    label: 'eq:gamma-nm',
    title: 'Cross-block pair term Gamma_nm',
    latex: [
      "\\Gamma_{nm} = K^z_{nm}\\,\\mathrm{tr}(C_n^\\top C_m) + g_m^\\top S_n V(\\varphi'_n\\odot\\varphi'_m\\odot z_n) + g_n^\\top S_m V(\\varphi'_n\\odot\\varphi'_m\\odot z_m) + (g_n^\\top g_m)(\\varphi'^\\top_n\\varphi'_m)",
    ],
    variables: [{ symbol: 'C_n', meaning: '$S_nVD_n$ (eq:c-n)' }, G_N, S_N, PHI_N],
    derivation: [
      'Square the two terms of $[H_{WV}]$ summed over $(i,j),(k,l)$: the $S_nV$ term squared, two mixed terms, and the $g$ term squared. The $\\tilde x_{nj}\\tilde x_{mj}$ sum gives the $K^x_{nm}$ factored outside.',
      'Gauss–Newton keeps only the first term.',
    ],
    implementation: ['@hsr/numeric hessianTraces'],
    verifiedBy: ['closed-form-traces-equal-dense-traces', 'trace2-equals-eigenvalue-square-sum', 'the per-pair reference @hsr/testkit pairSumTraceH2 (numeric hessianTrace tests)', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: [],
    cost: '$O(ch)$ per pair',
  },
  {
    id: 'softmax-inner',
    label: 'eq:softmax-inner',
    title: 'Inner product of softmax covariances',
    latex: ['\\langle S_n, S_m\\rangle = \\sum_k p_{nk}p_{mk}(1 - p_{nk} - p_{mk}) + (p_n^\\top p_m)^2'],
    variables: [P_N, S_N],
    derivation: ['Expand $\\langle \\mathrm{diag}\\,p_n - p_np_n^\\top, \\mathrm{diag}\\,p_m - p_mp_m^\\top\\rangle$: $\\sum_k p_{nk}p_{mk} - 2\\sum_k p_{nk}p_{mk}(\\ldots)$ collects into the form above.'],
    implementation: ['@hsr/numeric/internal softmaxCovarianceInner'],
    verifiedBy: ['closed-form-traces-equal-dense-traces', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: [],
    cost: '$O(c)$',
  },
  {
    id: 'ws-bounds',
    label: 'eq:ws-bounds',
    title: 'Wolkowicz–Styan eigenvalue bounds',
    latex: [
      'm = \\frac{T_1}{P},\\qquad s^2 = \\frac{T_2}{P} - m^2',
      'm + \\frac{s}{\\sqrt{P-1}} \\le \\lambda_{\\max} \\le m + s\\sqrt{P-1},\\qquad m - s\\sqrt{P-1} \\le \\lambda_{\\min} \\le m - \\frac{s}{\\sqrt{P-1}}',
      'U = \\frac{T_1}{P} + R,\\qquad R = s\\sqrt{P-1} = \\sqrt{\\tfrac{P-1}{P}\\big(T_2 - T_1^2/P\\big)}',
    ],
    text: ['m = T1/P and s^2 = T2/P - m^2', 'm + s/sqrt(P-1) <= lambda_max <= m + s sqrt(P-1)', 'm - s sqrt(P-1) <= lambda_min <= m - s/sqrt(P-1)'],
    variables: [T12, P_COUNT, { symbol: 'm, s', meaning: 'mean and standard deviation of the eigenvalues' }, { symbol: 'U', meaning: 'the upper bound on $\\lambda_{\\max}$' }],
    derivation: ['Wolkowicz and Styan (1980), Linear Algebra Appl. 29, Thm 2.1, for any real symmetric matrix of size $P$.', '$P = 1$: $s = 0$ and every bound equals $m$.'],
    implementation: ['@hsr/numeric wolkowiczStyanBounds'],
    verifiedBy: ['ws-bounds-enclose-spectrum', 'packages/numeric/test/wolkowiczStyan.test.ts', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['lambdaMaxUpper', 'lambdaMaxLower', 'lambdaMinUpper', 'lambdaMinLower'],
    cost: '$O(1)$ given $T_1, T_2$',
  },
  {
    id: 'range-bound',
    label: 'eq:range-bound',
    title: 'Spectral range bound',
    latex: ['\\lambda_{\\max} - \\lambda_{\\min} \\le s\\sqrt{2P}'],
    text: ['lambda_max - lambda_min <= s sqrt(2P)'],
    variables: [P_COUNT, { symbol: 's', meaning: 'eigenvalue standard deviation (eq:ws-bounds)' }],
    derivation: ['Same paper: the range is largest when the eigenvalues split into two equal-size groups at $m \\pm s\\sqrt{P/2}$.'],
    implementation: ['@hsr/numeric wolkowiczStyanBounds'],
    verifiedBy: ['ws-bounds-enclose-spectrum', ...SYMBOLIC_TRACES, SYMBOLIC_AGREEMENT],
    auditQuantities: ['rangeUpper'],
    cost: '$O(1)$',
  },
  {
    id: 's2-clamp',
    label: 'eq:s2-clamp',
    title: 'Clamping the eigenvalue variance',
    latex: ['s^2 = \\max\\Big(\\frac{T_2}{P} - \\frac{T_1^2}{P^2},\\; 0\\Big)'],
    variables: [T12, P_COUNT],
    derivation: [
      '$s^2$ is the variance of the eigenvalues, so $\\ge 0$; cancellation can make the floating-point value slightly negative when all eigenvalues are nearly equal. It is clamped and the result flags `clamped`, keeping the raw value.',
    ],
    implementation: ['@hsr/numeric wolkowiczStyanBounds'],
    verifiedBy: ['packages/numeric/test/wolkowiczStyan.test.ts'],
    auditQuantities: [],
    cost: '$O(1)$',
  },
  {
    id: 'bound-gradient',
    label: 'eq:bound-gradient',
    title: 'Gradient of the upper bound (outer structure)',
    latex: ['\\nabla U = \\alpha\\,\\nabla T_1 + \\beta\\,\\nabla T_2,\\qquad \\alpha = \\frac1P - \\frac{(P-1)T_1}{P^2 R},\\qquad \\beta = \\frac{P-1}{2PR}'],
    variables: [T12, P_COUNT, { symbol: 'R', meaning: '$s\\sqrt{P-1}$; undefined gradient at $R = 0$ (all eigenvalues equal)' }],
    derivation: [
      'Chain rule on $U(T_1, T_2)$ of eq:ws-bounds: $\\partial R/\\partial T = (\\partial R^2/\\partial T)/(2R)$.',
      'The lower bound $m - R$ flips the sign of the $R$ parts; the range bound is $\\sqrt{2P/(P-1)}\\,R$.',
      'At $R = 0$ the minimum-norm subgradient $\\nabla T_1/P$ is returned and flagged `degenerate`.',
    ],
    implementation: ['@hsr/numeric boundGradient', '@hsr/numeric boundGradientFromTraces'],
    verifiedBy: ['bound-gradient-vs-central-difference', 'bound-gradients-equal-autodiff', ...SYMBOLIC_GRADIENTS, SYMBOLIC_AGREEMENT],
    auditQuantities: ['boundGradient'],
    cost: '$O(P)$ given $\\nabla T_1, \\nabla T_2$',
  },
  {
    id: 'grad-assembly',
    label: 'eq:grad-assembly',
    title: 'Gradients of T1 and T2 (backprop assembly)',
    latex: [
      "\\partial_V T = R^V + \\sum_n r^v_n z_n^\\top,\\quad \\partial_a T = \\sum_n r^v_n,\\quad q_n = r^u_n + \\varphi'_n \\odot (V^\\top r^v_n),\\quad \\partial_W T = \\sum_n q_n x_n^\\top,\\quad \\partial_b T = \\sum_n q_n",
      '\\frac{\\partial\\,\\mathrm{tr}(S Q)}{\\partial v} = S\\big(\\mathrm{diag}\\,Q - (Q + Q^\\top)p\\big)',
    ],
    variables: [
      { symbol: 'T', meaning: '$T_1$ or $T_2$' },
      { symbol: 'r^v_n, r^u_n', meaning: 'partials of $T$ in $v_n$ and (explicit) in $u_n$' },
      { symbol: 'R^V', meaning: 'explicit partial of $T$ in $V$' },
      { symbol: 'Q', meaning: 'any $c\\times c$ adjoint of $S$' },
    ],
    derivation: [
      'Treat $T$ as a function of $u_n$, $v_n$ and an explicit $V$; reverse-mode accumulation as in backprop.',
      "$\\varphi'''$ enters only through $\\partial A_n/\\partial u_n$ (the $\\mathrm{diag}(\\delta_n\\odot\\varphi'')$ term).",
    ],
    implementation: ['@hsr/numeric traceGradients'],
    verifiedBy: ['trace-gradient-vs-central-difference', 'trace-gradients-equal-autodiff', ...SYMBOLIC_GRADIENTS, SYMBOLIC_AGREEMENT],
    auditQuantities: ['gradTraceH', 'gradTraceH2'],
    cost: '$O(N^2(h^2 + ch + c) + N(hd + ch^2 + c^2h))$',
  },
];

/** Training and its evaluation: the updates compared, the scale-aware sharpness, the paired verdict. */
const TRAINING: FormulaEntry[] = [
  {
    id: 'training-updates',
    label: 'eq:train-updates',
    title: 'Training updates compared',
    latex: [
      String.raw`\begin{aligned}
\text{plain:}\ & \theta \leftarrow \operatorname{opt}(\nabla L) \\
\text{hsr-step:}\ & \theta \leftarrow \operatorname{opt}(\nabla L) - \rho\,\frac{\nabla U}{\|\nabla U\|} \\
\text{hsr-penalty:}\ & \theta \leftarrow \operatorname{opt}\big(\nabla (L + \lambda U)\big) \\
\text{sam:}\ & \theta \leftarrow \operatorname{opt}\big(\nabla L(\theta + \rho\,\nabla L/\|\nabla L\|)\big)
\end{aligned}`,
    ],
    variables: [
      { symbol: 'L', meaning: 'mean cross-entropy on the batch (eq:loss)' },
      { symbol: 'U', meaning: 'the Wolkowicz–Styan upper bound on $\\lambda_{\\max}$ on the batch (eq:ws-bounds)' },
      { symbol: '\\operatorname{opt}', meaning: "the optimizer's update along a direction (SGD, heavy-ball momentum or Adam; decoupled weight decay)" },
      { symbol: '\\rho, \\lambda', meaning: "hsr-step's step length and SAM's radius; hsr-penalty's weight of $U$" },
    ],
    derivation: [
      "hsr-step and hsr-penalty are the two readings (A) and (B) of HSR regularisation in docs/mathematics.md §6; labels eq:train-plain, eq:train-hsr-step, eq:train-hsr-penalty, eq:train-sam in numeric's train.ts.",
      "hsr-step's normalised step has fixed length $\\rho$ and bypasses the optimizer's state; SAM is Foret et al. (2021), Algorithm 1, with the same batch for both passes.",
      'Where $\\nabla U = 0$ or $U$ is degenerate ($s = 0$), the regulariser is skipped for that step and counted.',
    ],
    implementation: ['@hsr/numeric train', '@hsr/numeric trainAsync'],
    verifiedBy: ['packages/numeric/test/training/train.test.ts', 'packages/numeric/test/training/optimizers.test.ts'],
    auditQuantities: [],
    cost: "$O(B(hd + ch))$ per step for $L$, twice that for SAM, plus the bound gradient's cost for the hsr methods",
  },
  {
    id: 'relative-sharpness',
    label: 'eq:relative-sharpness',
    title: 'Scale-aware (relative) sharpness',
    latex: ['\\kappa_{\\mathrm{rel}} = \\lambda_{\\max}(H)\\,\\frac{\\|\\theta\\|^2}{P}'],
    variables: [P_COUNT, { symbol: '\\theta', meaning: "the parameters of the Hessian's block" }],
    derivation: [
      'Along the top eigenvector, a perturbation of relative size $\\epsilon$ raises the loss by about $\\tfrac12\\epsilon^2\\|\\theta\\|^2\\lambda_{\\max}$; dividing by $P$ makes it comparable across widths.',
      '$\\lambda_{\\max}$ alone falls when the weights grow and predictions saturate; $\\kappa_{\\mathrm{rel}}$ charges that growth back (docs/guide-sharpness.md).',
    ],
    implementation: ['@hsr/numeric relativeSharpness'],
    verifiedBy: ['packages/numeric/test/training/sharpness.test.ts'],
    auditQuantities: [],
    cost: '$O(P)$ given $\\lambda_{\\max}$',
  },
  {
    id: 'paired-verdict',
    label: 'eq:paired-verdict',
    title: 'Paired verdict on a claim (over seeds)',
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
  },
];

const PROBE_V: FormulaVariable = { symbol: 'v_j', meaning: 'probe vectors with i.i.d. entries and $E[vv^\\top] = I$: Rademacher ($\\pm1$) or standard normal' };
const BUDGET_M: FormulaVariable = { symbol: 'm', meaning: 'the budget: Hessian-vector products spent' };

/**
 * The Hessian's diagonal and the stochastic estimators `hsr estimate` measures against the
 * closed forms (numeric's estimators/, docs/estimators.md), with the statistics behind their checks.
 */
const ESTIMATORS: FormulaEntry[] = [
  {
    id: 'hessian-diagonal',
    label: 'eq:hessian-diagonal',
    title: 'Diagonal of the Hessian in closed form',
    latex: [
      String.raw`(H_{WW})_{(i,j),(i,j)} = \kappa\sum_n (A_n)_{ii}\,\tilde x_{nj}^2,\qquad (H_{VV})_{(k,l),(k,l)} = \kappa\sum_n (S_n)_{kk}\,\tilde z_{nl}^2`,
      String.raw`(A_n)_{ii} = (\varphi'_{ni})^2\sum_k p_{nk}(V_{ki} - \bar v_{ni})^2 + \delta_{ni}\varphi''_{ni},\quad \bar v_{ni} = \sum_k p_{nk}V_{ki},\quad (S_n)_{kk} = p_{nk}(1 - p_{nk})`,
    ],
    variables: [KAPPA, XT, PHI_N, P_N, { symbol: '\\delta_n', meaning: '$V^\\top g_n$ (absent for Gauss–Newton)' }],
    derivation: [
      'The cross block $H_{WV}$ has no diagonal entries, so only the two Kronecker-sum blocks of eq:hessian-blocks contribute.',
      'The diagonal of $V^\\top S_nV$ is the weighted variance $\\sum_k p_{nk}(V_{ki} - \\bar v_{ni})^2$ (no cancellation), and $1 - p$ for the largest probability is the sum of the others, so saturated samples keep their relative accuracy.',
      'Its sum is $T_1$ (eq:trace-h); the sum of its squares enters the variance of Rademacher Hutchinson (eq:hutchinson-trace).',
    ],
    implementation: ['@hsr/numeric hessianDiagonal'],
    verifiedBy: ['packages/numeric/test/hessianDiagonal.test.ts (equals the dense diagonal, sums to T1)'],
    auditQuantities: [],
    cost: '$O(N(hc + h\\tilde d + c\\tilde h)) = O(NP)$',
  },
  {
    id: 'hutchinson-trace',
    label: 'eq:hutchinson-trace',
    title: 'Girard–Hutchinson trace estimator',
    latex: [String.raw`\widehat{T_1} = \frac1m\sum_{j=1}^m v_j^\top Hv_j,\qquad \operatorname{Var} = \frac2m\|H\|_F^2\ (\text{Gaussian}),\quad \frac2m\Big(\|H\|_F^2 - \sum_i H_{ii}^2\Big)\ (\text{Rademacher})`],
    variables: [PROBE_V, BUDGET_M],
    derivation: [
      '$E[v^\\top Hv] = \\mathrm{tr}(H\\,E[vv^\\top]) = \\mathrm{tr}H$ (Girard 1989, Hutchinson 1989).',
      'The variance of a quadratic form in independent entries (Avron & Toledo 2011); Rademacher squares $v_i^2 = 1$ carry none of it, hence the diagonal term.',
    ],
    implementation: ['@hsr/numeric hutchinsonTrace', '@hsr/numeric hutchinsonTraces', '@hsr/numeric hutchinsonSamples'],
    verifiedBy: ['packages/numeric/test/estimators/hutchinson.test.ts', 'packages/numeric/test/estimators/hutchinson.slow.test.ts'],
    auditQuantities: [],
    cost: '$m$ Hessian-vector products plus $O(mP)$',
  },
  {
    id: 'frobenius-estimator',
    label: 'eq:frobenius-estimator',
    title: 'Frobenius-norm estimator of T2',
    latex: [
      String.raw`\widehat{T_2} = \frac1m\sum_{j=1}^m \|Hv_j\|^2,\qquad \operatorname{Var} = \frac2m\operatorname{tr}H^4\ (\text{Gaussian}),\quad \frac2m\Big(\operatorname{tr}H^4 - \sum_i (H^2)_{ii}^2\Big)\ (\text{Rademacher})`,
    ],
    variables: [PROBE_V, BUDGET_M],
    derivation: ["$\\|Hv\\|^2 = v^\\top H^2v$: eq:hutchinson-trace applied to $H^2$ (curvlinops' `hutchinson_squared_fro`); the same products give $\\widehat{T_1}$ and $\\widehat{T_2}$."],
    implementation: ['@hsr/numeric frobeniusNormSquared', '@hsr/numeric hutchinsonTraces'],
    verifiedBy: ['packages/numeric/test/estimators/hutchinson.test.ts', 'packages/numeric/test/estimators/hutchinson.slow.test.ts'],
    auditQuantities: [],
    cost: '$m$ Hessian-vector products plus $O(mP)$',
  },
  {
    id: 'hutch-plus-plus',
    label: 'eq:hutch-plus-plus',
    title: 'Hutch++',
    latex: [String.raw`k = \lfloor m/3\rfloor,\ Q = \operatorname{orth}(HS):\quad \widehat{T_1} = \operatorname{tr}(Q^\top HQ) + \frac{1}{m-2k}\sum_j g_j^\top (I-QQ^\top)H(I-QQ^\top)g_j`],
    variables: [BUDGET_M, { symbol: 'S, g_j', meaning: '$k$ sketch probes and $m - 2k$ complement probes' }],
    derivation: [
      'Meyer, Musco, Musco & Woodruff (2021), Algorithm 1: unbiased for any $Q$ independent of the $g_j$, the second term being Hutchinson on the compression of $H$.',
      'Exact when $\\mathrm{rank}\\,H \\le k$; variance at most $2\\|H\\|_F^2/(m - 2k)$; $O(1/\\epsilon)$ products give a $(1\\pm\\epsilon)$ estimate of a PSD trace.',
      'Nested budgets share one set of draws: the basis of the first $k$ sketch vectors is a prefix of $Q$.',
    ],
    implementation: ['@hsr/numeric hutchPlusPlus', '@hsr/numeric hutchPlusPlusAtBudgets'],
    verifiedBy: ['packages/numeric/test/estimators/hutchPlusPlus.test.ts', 'packages/numeric/test/estimators/orthonormalize.test.ts'],
    auditQuantities: [],
    cost: 'at most $m$ products plus $O(Pk^2 + Pk(m - 2k))$',
  },
  {
    id: 'xtrace',
    label: 'eq:xtrace',
    title: 'XTrace',
    latex: [String.raw`k = \lfloor m/2\rfloor:\quad \widehat{T_1} = \frac1k\sum_{i=1}^k\Big[\operatorname{tr}(Q_i^\top HQ_i) + w_i^\top(I-Q_iQ_i^\top)H(I-Q_iQ_i^\top)w_i\Big],\quad Q_i = \operatorname{orth}(HW_{-i})`],
    variables: [BUDGET_M, { symbol: 'w_i, W_{-i}', meaning: 'the $k$ probes, and all of them but $w_i$' }],
    derivation: [
      'Epperly, Tropp & Webber (2024): each term is unbiased given the other $k - 1$ probes, on which alone $Q_i$ depends; no closed-form variance.',
      'With $QR = HW$, $Q_iQ_i^\\top = Q(I - s_is_i^\\top)Q^\\top$ for $s_i$ the normalised $i$-th column of $R^{-\\top}$: one factorisation serves every term.',
      'A rank-deficient sketch ($\\mathrm{rank}\\,H < k$) returns $\\mathrm{tr}(Q^\\top HQ)$, exact in exact arithmetic.',
    ],
    implementation: ['@hsr/numeric xtrace', '@hsr/numeric xtraceAtBudgets'],
    verifiedBy: ['packages/numeric/test/estimators/xtrace.test.ts'],
    auditQuantities: [],
    cost: '$2k$ products plus $O(Pk^2)$, and $O(k^3)$ per budget',
  },
  {
    id: 'pyhessian-rules',
    label: 'eq:pyhessian-trace-rule',
    title: "PyHessian's adaptive stopping rules",
    latex: [String.raw`\text{stop at the first } j:\ \frac{|\bar t_j - \bar t_{j-1}|}{|\bar t_{j-1}| + 10^{-6}} < 10^{-3},\quad j \le 100`],
    variables: [{ symbol: '\\bar t_j', meaning: 'trace(): the running mean of Rademacher $v^\\top Hv$ ($\\bar t_0 = 0$); eigenvalues(): the Rayleigh quotient of power iteration' }],
    derivation: [
      "Reproduced rule for rule from PyHessian's source: trace() returns the running mean; eigenvalues() returns the previous Rayleigh quotient, as its loop breaks before updating.",
      'The $10^{-6}$ is absolute, so neither rule is scale-invariant; $10^{-3}$ bounds a relative change of the estimate, not its error.',
    ],
    implementation: ['@hsr/numeric pyhessianTrace', '@hsr/numeric pyhessianTraceRule', '@hsr/numeric pyhessianTopEigenvalue'],
    verifiedBy: ['packages/numeric/test/estimators/pyhessian.test.ts'],
    auditQuantities: [],
    cost: 'at most 100 products',
  },
  {
    id: 'sample-variance-interval',
    label: 'eq:sample-variance-interval',
    title: 'Interval for a sample variance (moment-matched chi-square)',
    latex: [String.raw`s^2 \in \Big[\sigma^2\tfrac{\chi^2_{\nu,(1-c)/2}}{\nu},\ \sigma^2\tfrac{\chi^2_{\nu,(1+c)/2}}{\nu}\Big],\quad \nu = \frac{2}{2/(n-1) + \kappa/n}`],
    variables: [
      { symbol: 's^2, n', meaning: 'the sample variance of $n$ i.i.d. values with variance $\\sigma^2$' },
      { symbol: '\\kappa', meaning: "the values' excess kurtosis (for a probe's $v^\\top Hv$: exact from the dense $H$, or bounded by $\\|H\\|_2$)" },
      { symbol: 'c', meaning: 'the confidence' },
    ],
    derivation: [
      '$\\mathrm{Var}(s^2) = \\sigma^4\\big(2/(n-1) + \\kappa/n\\big)$ exactly; matching a scaled $\\chi^2_\\nu$ to it gives $\\nu$ (Satterthwaite 1946).',
      'For Gaussian values $\\kappa = 0$ and this is the exact chi-square interval.',
    ],
    implementation: ['@hsr/numeric sampleVarianceInterval', '@hsr/numeric quadraticFormExcessKurtosis', '@hsr/numeric chiSquareQuantile'],
    verifiedBy: ['packages/numeric/test/estimators/statistics.test.ts'],
    auditQuantities: [],
    cost: '$O(1)$ given $\\sigma^2$ and $\\kappa$; the exact $\\kappa$ costs $O(P^3)$',
  },
];

/**
 * LaTeX of phi', phi'', phi''' per activation: the textbook identities, for reading. What is
 * checked is the numeric table they describe (against both CAS in test/activation.test.ts and
 * against five-point differences by `activation-derivatives`); the LaTeX itself is only
 * rendered by KaTeX (test/docs.test.ts).
 */
const ACTIVATION_DERIVATIVES: { readonly [A in Activation]: { readonly derivatives: readonly [string, string, string]; readonly notation: string } } = {
  sigmoid: {
    notation: '\\sigma = \\varphi',
    derivatives: ["\\varphi' = \\sigma(1-\\sigma)", "\\varphi'' = \\sigma(1-\\sigma)(1-2\\sigma)", "\\varphi''' = \\sigma(1-\\sigma)(1-6\\sigma+6\\sigma^2)"],
  },
  tanh: {
    notation: 't = \\tanh u',
    derivatives: ["\\varphi' = 1-t^2", "\\varphi'' = -2t(1-t^2)", "\\varphi''' = -2(1-t^2)(1-3t^2)"],
  },
  softplus: {
    notation: '\\sigma(u) = 1/(1+e^{-u})',
    derivatives: ["\\varphi' = \\sigma", "\\varphi'' = \\sigma(1-\\sigma)", "\\varphi''' = \\sigma(1-\\sigma)(1-2\\sigma)"],
  },
  silu: {
    notation: '\\sigma(u) = 1/(1+e^{-u})',
    derivatives: ["\\varphi' = \\sigma + u\\sigma'", "\\varphi'' = 2\\sigma' + u\\sigma''", "\\varphi''' = 3\\sigma'' + u\\sigma'''"],
  },
  gelu: {
    notation: '\\phi(u) = e^{-u^2/2}/\\sqrt{2\\pi},\\ \\Phi(u) = \\tfrac12\\big(1+\\operatorname{erf}(u/\\sqrt2)\\big)',
    derivatives: ["\\varphi' = \\Phi(u) + u\\,\\phi(u)", "\\varphi'' = \\phi(u)\\,(2 - u^2)", "\\varphi''' = \\phi(u)\\,(u^3 - 4u)"],
  },
};

function activationEntry(name: Activation): FormulaEntry {
  const rule = ACTIVATIONS[name];
  const d = ACTIVATION_DERIVATIVES[name];
  return {
    id: `activation-${name}`,
    label: `eq:activation-${name}`,
    title: `Activation ${name} and its first three derivatives`,
    latex: [`\\varphi(u) = ${rule.latex}`, `${d.derivatives.join(',\\qquad ')}\\qquad (${d.notation})`],
    variables: [{ symbol: 'u', meaning: 'pre-activation' }],
    derivation: [
      `Formula \`${rule.formula}\`; differentiated three times by nerdamer and mathjs (\`hsr derive --activation ${name}\`)${name === 'gelu' ? ' (mathjs cannot differentiate erf: nerdamer is checked against a five-point difference instead)' : ''}.`,
      "$\\varphi', \\varphi''$ enter the Hessian; $\\varphi'''$ enters the bound's gradient.",
    ],
    implementation: [`@hsr/numeric ACTIVATIONS.${name}`],
    verifiedBy: ['activation-derivatives', 'packages/numeric/test/activations.test.ts', 'packages/symbolic/test/activation.test.ts'],
    auditQuantities: [],
    cost: '$O(1)$ per unit',
  };
}

/** Every registry entry, in document order. */
export const FORMULA_REGISTRY: readonly FormulaEntry[] = [...CORE, ...TRAINING, ...ESTIMATORS, ...ACTIVATION_NAMES.map(activationEntry)];

/** The one entry carrying `label` (throws when none or several do: a label names one formula). */
export function formulaByLabel(label: string): FormulaEntry {
  const found = FORMULA_REGISTRY.filter((e) => e.label === label);
  if (found.length !== 1) throw new Error(`formula registry: ${found.length === 0 ? 'no entry' : `${found.length} entries`} with label ${label}`);
  return found[0]!;
}
