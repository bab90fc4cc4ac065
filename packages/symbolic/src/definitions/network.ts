/**
 * The network, its inputs and its forward pass (docs/mathematics.md §1, eq:loss), as executable
 * definitions. Everything downstream is built from these: the parameters W~ = [W | b] and
 * V~ = [V | a] (theta = (vec_row W~, vec_row V~), the flattening contract of @hsr/numeric
 * parameters.ts), the data x_n, y_n, the reduction factor kappa and the variant's selectors.
 */
import { apply, augment, define, index, input, mul, ref, slot, sum, type Notation } from '../notation/expression.ts';

/** Notation of a plain symbol with a subscript (LaTeX base, text base). */
export const notation = (latex: Notation['latex'], text: Notation['text'], extra: Partial<Notation> = {}): Notation => ({ latex, text, ...extra });

/** (\\partial_{\\tilde W} T)_{ij}: the gradient of a scalar in one parameter tensor. */
export function parameterGradient(param: string, paramText: string, of: string, ofText: string): Notation {
  return notation(
    (ix) => `(\\partial_{${param}} ${of})_{${ix.join('')}}`,
    (ix) => `d${ofText}/d${paramText}[${ix.join(',')}]`,
  );
}

// The index names used throughout (each letter keeps its range everywhere in the docs).
export const n = index('n', 'N');
export const m = index('m', 'N');
export const j = index('j', 'dt');
export const jp = index("j'", 'dt');
export const jd = index('j', 'd');
export const i = index('i', 'h');
export const ip = index("i'", 'h');
export const l = index('l', 'ht');
export const lp = index("l'", 'ht');
export const lh = index('l', 'h');
export const k = index('k', 'c');
export const kp = index("k'", 'c');
export const kpp = index("k''", 'c');
export const a = index('a', 'theta');

// Inputs: the data, the parameters, the variant.
export const X = input('x', ['N', 'd'], notation('x', 'x'), 'input features of sample $n$ ($N \\times d$)');
export const Y = input('y', ['N', 'c'], notation('y', 'y'), 'one-hot label of sample $n$');
export const WT = input('Wt', ['h', 'dt'], notation('\\tilde W', 'W~'), '$[W \\mid b]$: first-layer weights and biases ($h \\times \\tilde d$)');
export const VT = input('Vt', ['c', 'ht'], notation('\\tilde V', 'V~'), '$[V \\mid a]$: second-layer weights and biases ($c \\times \\tilde h$)');
export const KAPPA = input('kappa', [], notation('\\kappa', 'kappa'), '$1/N$ for the mean loss, $1$ for the sum (the sum multiplies $H$ and every bound by $N$)');
export const ONE_W = input('oneW', [], notation('\\mathbb 1_W', '1_W'), '1 when the Hessian block includes the first layer $(W, b)$ (blocks all, first), else 0');
export const ONE_V = input('oneV', [], notation('\\mathbb 1_V', '1_V'), '1 when the Hessian block includes the second layer $(V, a)$ (blocks all, second), else 0');
export const ONE_H = input('oneH', [], notation('\\mathbb 1_H', '1_H'), '1 for the full Hessian, 0 for its Gauss–Newton part $J^\\top S J$');

// The forward pass.
export const XT = define('xt', [n, j], notation('\\tilde x', 'x~'), 'input augmented by a trailing 1 when biases are on ($\\tilde d = d + 1$; without biases $\\tilde x_n = x_n$)', augment(j, jd, ref(X, n, jd)));
export const V = define('V', [k, i], notation('V', 'V'), 'second-layer weights: the first $h$ columns of $\\tilde V$', ref(VT, k, i));
export const U = define('u', [n, i], notation('u', 'u'), 'pre-activations', sum(j, mul(ref(WT, i, j), ref(XT, n, j))));
export const Z = define('z', [n, i], notation('z', 'z'), 'hidden activations', apply('phi', ref(U, n, i)));
export const ZT = define('zt', [n, l], notation('\\tilde z', 'z~'), 'hidden activations augmented by a trailing 1 when biases are on ($\\tilde h = h + 1$)', augment(l, lh, ref(Z, n, lh)));
export const LOGITS = define('v', [n, k], notation('v', 'v'), 'logits', sum(l, mul(ref(VT, k, l), ref(ZT, n, l))));
export const PHI1 = define('phi1', [n, i], notation("\\varphi'", "phi'", { decorated: true }), 'activation derivatives at $u_{ni}$', apply('phi1', ref(U, n, i)));
export const PHI2 = define('phi2', [n, i], notation("\\varphi''", "phi''", { decorated: true }), 'second derivative of the activation at $u_{ni}$', apply('phi2', ref(U, n, i)));
export const PHI3 = define('phi3', [n, i], notation("\\varphi'''", "phi'''", { decorated: true }), "third derivative of the activation at $u_{ni}$ (enters only the bound's gradient)", apply('phi3', ref(U, n, i)));

// The loss's building blocks: slots, defined per loss (losses.ts).
export const ELL = slot('ell', ['N'], notation('\\ell', 'l'), 'per-sample loss $\\ell(v_n, y_n)$');
export const G = slot('g', ['N', 'c'], notation('g', 'g'), 'output error $\\partial\\ell_n/\\partial v_n$');
export const S = slot('S', ['N', 'c', 'c'], notation('S', 'S'), 'output curvature $\\partial^2\\ell_n/\\partial v_n^2$ ($c \\times c$, symmetric)');
export const S3 = slot('S3', ['N', 'c', 'c', 'c'], notation('\\mathcal S', 'S3'), "third derivative $\\partial^3\\ell_n/\\partial v_n^3$ (enters only the bound's gradient)");

export const LOSS = define('L', [], notation('L', 'L'), 'the loss over the data set', mul(ref(KAPPA), sum(n, ref(ELL, n))));

/** Every definition of this module, in dependency order. */
export const NETWORK_DEFINITIONS = [XT, V, U, Z, ZT, LOGITS, PHI1, PHI2, PHI3, LOSS];
export const NETWORK_INPUTS = [X, Y, WT, VT, KAPPA, ONE_W, ONE_V, ONE_H];
