/**
 * The cost model of the closed forms: which exact contraction evaluates each pair term of T2
 * (and its gradient) for the shapes at hand, what it costs in multiply-adds, and how much
 * memory the whole evaluation takes.
 *
 * Every pair term of eq:trace-h2 has the form
 *   \mathcal T = c_t\sum_{n,m}(K^x_{nm})^{\alpha}(K^z_{nm})^{\beta}\,B(X_n, X_m)
 * for a per-sample stack X (N rows of width w) and a symmetric bilinear form B:
 *   A: \alpha=2, \beta=0, X = packed A_n (w = h(h+1)/2), c_t = 1
 *   S: \alpha=0, \beta=2, X = S_n (w = c^2), c_t = 1
 *   C: \alpha=1, \beta=1, X = C_n (w = ch), c_t = 2
 *   G: \alpha=1, \beta=0, X = [Y_n | O_n] (w = 2ch), B = \langle Y,O'\rangle + \langle O,Y'\rangle + \langle O,O'\rangle, c_t = 2
 * (the g-terms of Gamma_{nm}, see hessianTrace.ts). Two exact routes evaluate it:
 *
 * - pairs: row sums over the samples, R_n = \sum_m W_{nm}X_m with W = (K^x)^\alpha(K^z)^\beta,
 *   in tiles of TILE rows against blocks of columns (traceEngine.ts). T2 needs only the upper
 *   triangle, \mathcal T = c_t\sum_n [B(X_n, W_{nn}X_n) + 2B(X_n, \sum_{m>n}W_{nm}X_m)]:
 *   N^2 w/2 multiply-adds; the gradient needs the full rows (N^2 w) and, when \beta > 0, the
 *   Gram \langle X_n, X_m\rangle for the K^z adjoint (N^2 w + N^2\tilde h). K^x, K^z cost
 *   N^2\tilde d/2, N^2\tilde h/2 (full rows N^2\tilde d, N^2\tilde h for the gradient), shared by
 *   the terms on this route.
 * - features: (K^x_{nm})^\alpha(K^z_{nm})^\beta = \langle\Phi_n,\Phi_m\rangle with \Phi_n one of
 *   \tilde x_n, \xi_n (the packed \tilde x_n\tilde x_n^\top, off-diagonal \sqrt2: width
 *   \tilde d(\tilde d+1)/2), \tilde z_n, \zeta_n, \tilde x_n\otimes\tilde z_n, so
 *   \mathcal T = c_t\,B(\mathfrak X, \mathfrak X) with \mathfrak X = \sum_n\Phi_n\otimes X_n
 *   (f x w): N f w multiply-adds, and R_n = \Phi_n\mathfrak X for the gradient (N f w more;
 *   the K^z adjoint through \mathfrak H = \sum_m\Phi'_m\otimes X_m\otimes\tilde z_m, 2N f' w\tilde h).
 *   It is the literal \|H_{block}\|_F^2 of the Kronecker form, cheap when the features are few
 *   (small \tilde d or \tilde h) and N is large.
 *
 * Choice rule: every combination of routes (2^terms, at most 16) is costed for the gradient
 * (T2 and its adjoints, shared Grams counted once) and the cheapest is taken; elementwise
 * JavaScript work is weighted by JS_OP_MULTIPLY_ADDS. The rule depends on the shapes only — not
 * on the thread count, the shard or whether the gradient is wanted — so hessianTraces and
 * traceGradients evaluate T2 by the same route and get the same bits. The planner
 * (traceEngine.ts planTraces) takes the cheapest combination whose whole plan fits the memory
 * limit, so a limit can move a term to a costlier route (that changes round-off, never the value).
 * This is opt_einsum's idea (cost every contraction order, take the cheapest) on a family small
 * enough to enumerate.
 */
import type { Variant } from '../types.ts';

/** Rows of a pair tile: fixed, because the per-tile sums of the second-layer adjoint (V-bar) are part of the summation order. */
export const TILE = 32;
/** Columns of a pair block (a cache parameter: it does not change a bit). */
export const BLOCK_COLUMNS = 512;
/**
 * One elementwise JavaScript operation in multiply-add units: the SIMD kernels run at ~12 G
 * multiply-adds/s, plain JavaScript loops at ~1-1.5 G elementwise operations/s (development machine).
 */
export const JS_OP_MULTIPLY_ADDS = 8;

export interface ProblemShape {
  /** N samples. */
  readonly samples: number;
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly classes: number;
  readonly bias: boolean;
}

export type TermName = 'A' | 'S' | 'C' | 'G';
export type Route = 'pairs' | 'features';

export interface PairTerm {
  readonly name: TermName;
  readonly alpha: 0 | 1 | 2;
  readonly beta: 0 | 1 | 2;
  /** c_t: the term is c_t sum_nm W_nm B(X_n, X_m). */
  readonly coef: number;
  /** w: stack width. */
  readonly width: number;
  /** B: the plain dot product, or the g-term form on [Y | O]. */
  readonly bilinear: 'dot' | 'cross';
}

export interface Dimensions {
  N: number;
  d: number;
  h: number;
  c: number;
  dt: number;
  ht: number;
  /** h(h+1)/2: width of a packed A_n. */
  L: number;
  ch: number;
}

export function dimensions(shape: ProblemShape): Dimensions {
  const { samples: N, inputDim: d, hiddenDim: h, classes: c, bias } = shape;
  return { N, d, h, c, dt: d + (bias ? 1 : 0), ht: h + (bias ? 1 : 0), L: (h * (h + 1)) / 2, ch: c * h };
}

/** The pair terms of T2 for a variant (block first: A; second: S; all: A, S, C and, for the full Hessian, G). */
export function pairTerms(shape: ProblemShape, variant: Variant): PairTerm[] {
  const { L, c, ch } = dimensions(shape);
  const first = variant.block !== 'second';
  const second = variant.block !== 'first';
  const terms: PairTerm[] = [];
  if (first) terms.push({ name: 'A', alpha: 2, beta: 0, coef: 1, width: L, bilinear: 'dot' });
  if (second) terms.push({ name: 'S', alpha: 0, beta: 2, coef: 1, width: c * c, bilinear: 'dot' });
  if (first && second) {
    terms.push({ name: 'C', alpha: 1, beta: 1, coef: 2, width: ch, bilinear: 'dot' });
    if (variant.curvature === 'hessian') terms.push({ name: 'G', alpha: 1, beta: 0, coef: 2, width: 2 * ch, bilinear: 'cross' });
  }
  return terms;
}

/** Width f of the feature map with <Phi_n, Phi_m> = (K^x_nm)^alpha (K^z_nm)^beta. */
export function featureWidth(alpha: number, beta: number, dims: Dimensions): number {
  const { dt, ht } = dims;
  const x = alpha === 0 ? 1 : alpha === 1 ? dt : (dt * (dt + 1)) / 2;
  const z = beta === 0 ? 1 : beta === 1 ? ht : (ht * (ht + 1)) / 2;
  return x * z;
}

export interface Cost {
  /** Multiply-adds (JavaScript elementwise work converted) for T1 and T2 alone. */
  readonly traces: number;
  /** ... for T1, T2 and their gradients. */
  readonly gradients: number;
}

/** Cost and memory (doubles) of one term on one route, without the shared K^x / K^z Grams. */
export function termCost(term: PairTerm, route: Route, dims: Dimensions): Cost & { doubles: number } {
  const { N, ht } = dims;
  const w = term.width;
  const N2 = N * N;
  if (route === 'pairs') {
    const gram = term.beta > 0 ? N2 * w + N2 * ht + 2 * N2 * JS_OP_MULTIPLY_ADDS : 0;
    const rows = N2 * w + N2 * JS_OP_MULTIPLY_ADDS;
    // Per-thread tile buffers: upper and lower row sums, the weight block, the Gram block and the packed tile.
    const doubles = 2 * TILE * w + TILE * BLOCK_COLUMNS + (term.beta > 0 ? TILE * BLOCK_COLUMNS + w * TILE : 0);
    return { traces: rows / 2, gradients: rows + gram, doubles };
  }
  const f = featureWidth(term.alpha, term.beta, dims);
  const build = 2 * N * f * JS_OP_MULTIPLY_ADDS + N * f * w + f * w;
  const fp = term.beta > 0 ? featureWidth(term.alpha, term.beta - 1, dims) : 0;
  const kz = term.beta > 0 ? N * fp * w * JS_OP_MULTIPLY_ADDS + 2 * N * fp * w * ht : 0;
  const doubles = 2 * N * f + f * w + (term.beta > 0 ? N * fp * w + fp * w * ht : 0);
  return { traces: build, gradients: build + N * f * w + kz, doubles };
}

/** Cost of the K^x and K^z Grams the pairs route needs (each once, whatever the number of terms using it). */
export function sharedGramCost(routes: readonly Route[], terms: readonly PairTerm[], dims: Dimensions): Cost {
  const { N, dt, ht } = dims;
  const needX = terms.some((t, i) => routes[i] === 'pairs' && t.alpha > 0);
  const needZ = terms.some((t, i) => routes[i] === 'pairs' && t.beta > 0);
  const full = N * N * ((needX ? dt : 0) + (needZ ? ht : 0));
  return { traces: full / 2, gradients: full };
}

export interface RoutePlan {
  readonly terms: readonly PairTerm[];
  readonly routes: readonly Route[];
  readonly cost: Cost;
  /** Each term's own cost on its route (the shared Grams are in `cost` only). */
  readonly termCosts: readonly Cost[];
}

/**
 * Every combination of routes, cheapest first (by the gradient's cost, the shared Grams counted
 * once; see the module comment). The planner takes the first whose memory fits.
 */
export function rankRoutes(shape: ProblemShape, variant: Variant): RoutePlan[] {
  const dims = dimensions(shape);
  const terms = pairTerms(shape, variant);
  const plans: RoutePlan[] = [];
  for (let mask = 0; mask < 1 << terms.length; mask++) {
    const routes = terms.map((_, i): Route => ((mask >> i) & 1 ? 'features' : 'pairs'));
    const costs = terms.map((t, i) => termCost(t, routes[i]!, dims));
    const shared = sharedGramCost(routes, terms, dims);
    const cost = { traces: shared.traces + costs.reduce((s, c) => s + c.traces, 0), gradients: shared.gradients + costs.reduce((s, c) => s + c.gradients, 0) };
    plans.push({ terms, routes, cost, termCosts: costs.map(({ traces, gradients }) => ({ traces, gradients })) });
  }
  // Stable: equal costs keep the enumeration order (pairs before features).
  return plans
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.cost.gradients - b.p.cost.gradients || a.i - b.i)
    .map(({ p }) => p);
}

/** The cheapest routes, whatever the memory (rankRoutes' first). */
export function chooseRoutes(shape: ProblemShape, variant: Variant): RoutePlan {
  return rankRoutes(shape, variant)[0]!;
}
/** Multiply-adds of the per-sample work (forward pass, stacks, adjoint assembly), for the thread and progress decisions. */
export function perSampleCost(shape: ProblemShape, variant: Variant): Cost {
  const { N, d, h, c, dt, ht, L, ch } = dimensions(shape);
  const first = variant.block !== 'second';
  const forward = N * (h * d + c * ht);
  const stacks = N * (c * c * h + (first ? c * h * h + L * JS_OP_MULTIPLY_ADDS : 0) + 3 * ch * JS_OP_MULTIPLY_ADDS);
  const assemble = N * ((first ? c * h * h + h * h * JS_OP_MULTIPLY_ADDS : 0) + 4 * c * c * h + 6 * ch * JS_OP_MULTIPLY_ADDS) + N * (h * dt + c * ht);
  return { traces: forward + stacks, gradients: forward + stacks + 2 * assemble };
}
