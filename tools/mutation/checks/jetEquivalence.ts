/**
 * `tsx tools/mutation/checks/jetEquivalence.ts MUTANT.ts`: the evidence behind the entries of
 * equivalents/autodiff-jet.json (`"checkedBy": "jetEquivalence"`; the sentence the docs print
 * for it is CHECKS in tools/mutation/results.ts). MUTANT.ts is a copy of
 * packages/autodiff/src/jet.ts with one mutant applied, placed next to it (so that its imports resolve). Both are run on the same
 * seeded random expression DAGs (every JetAlgebra operation, supports that are equal,
 * disjoint, nested, gapped or empty, variables outside the Taylor block, values that are 0 or
 * -0, all four order/tangent algebras) and every output is compared with Object.is: support,
 * value, gradient, Hessian and the tangent parts, including which arrays are null. Prints the
 * number of outputs compared, or the first difference (exit 1).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Algebra } from '../../../packages/autodiff/src/algebra.ts';
import * as original from '../../../packages/autodiff/src/jet.ts';
import { createRng } from '../../../packages/numeric/src/random.ts';
import { comparison } from './compare.ts';

type JetModule = typeof original;
type Jet = original.Jet;

const file = process.argv[2];
if (file === undefined) throw new Error('usage: jetEquivalence.ts MUTANT.ts');
const mutant = (await import(pathToFileURL(path.resolve(file)).href)) as JetModule;

/** One random expression DAG, replayed identically on any algebra from the same choices. */
function expression<T>(A: Algebra<T> & { variable(v: number, d: number, t?: number): T; linearize(x: T): T; sum(xs: readonly T[]): T }, seed: number): T[] {
  // numeric's seeded generator (only the inputs come from it; the code compared is autodiff's).
  const rng = createRng(seed);
  const r = () => rng.uniform();
  const pick = (k: number) => rng.int(k);
  const n = 1 + pick(6);
  const tangentOf = pick(n + 1) - 1;
  const nodes: T[] = [];
  for (let i = 0; i < n; i++) {
    const value = [0, -0, 0.5, -1.25, 2][pick(5)]! * (r() < 0.5 ? 1 : r());
    const direction = r() < 0.2 ? -1 : pick(8);
    nodes.push(A.variable(value, direction, i === tangentOf ? 1 : 0));
  }
  // Directions must be distinct per variable for a meaningful jet; duplicates are still a valid input.
  nodes.push(A.constant(r() < 0.3 ? 0 : r() - 0.5));
  const any = () => nodes[pick(nodes.length)]!;
  for (let step = 0; step < 25; step++) {
    const x = any();
    const y = any();
    const ops: (() => T)[] = [
      () => A.add(x, y),
      () => A.sub(x, y),
      () => A.mul(x, y),
      () => A.mul(x, x),
      () => A.scale(x, [0, -1, 0.3][pick(3)]!),
      () => A.neg(x),
      () => A.shift(x, r() - 0.5),
      () => A.sum(Array.from({ length: pick(5) }, any)),
      () => A.div(x, A.shift(A.mul(y, y), 1)),
      () => A.exp(A.scale(x, 0.1)),
      () => A.expm1(A.scale(x, 0.1)),
      () => A.log(A.shift(A.mul(x, x), 1)),
      () => A.log1p(A.mul(x, x)),
      () => A.erfc(x),
      () => A.sqrt(A.shift(A.mul(x, x), 0.5)),
      () => A.linearize(x),
    ];
    nodes.push(ops[pick(ops.length)]!());
  }
  return nodes;
}

const fields = (j: Jet) => [j.support, [j.value], j.gradient, j.hessian, [j.tangentValue], j.tangentGradient, j.tangentHessian] as const;
const cases = Number(process.env.HSR_EQUIVALENCE_CASES ?? 3000);
const seed0 = Number(process.env.HSR_SEED ?? 20260101);
const check = comparison();
for (let c = 0; c < cases; c++) {
  for (const order of [1, 2] as const) {
    for (const tangent of [false, true]) {
      const a = expression(new original.JetAlgebra({ order, tangent }) as never, seed0 + c) as Jet[];
      const b = expression(new mutant.JetAlgebra({ order, tangent }) as never, seed0 + c) as Jet[];
      for (let k = 0; k < a.length; k++) {
        const fa = fields(a[k]!);
        const fb = fields(b[k]!);
        const dense = [original.denseGradientOf(a[k]!, 8), original.denseHessianOf(a[k]!, 8), original.denseGradientOf(a[k]!, 8, true), original.denseHessianOf(a[k]!, 8, true)];
        const denseB = [mutant.denseGradientOf(b[k]!, 8), mutant.denseHessianOf(b[k]!, 8), mutant.denseGradientOf(b[k]!, 8, true), mutant.denseHessianOf(b[k]!, 8, true)];
        const all = [...fa, ...dense];
        const allB = [...fb, ...denseB];
        // A part that is null in both (no tangent, order 1) is not counted as a number compared.
        for (let f = 0; f < all.length; f++) if (all[f] !== null || allB[f] !== null) check.same(`case ${c} order ${order} tangent ${tangent} node ${k} field ${f}`, all[f], allB[f]);
      }
    }
  }
}
process.stdout.write(`identical: ${check.compared} numbers over ${cases} random DAGs x 4 algebras\n`);
