/**
 * The cost model's choice rule on shapes whose best contraction is known by hand, and its
 * counts against the formulas of docs/performance.md.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VARIANT } from '@hsr/numeric';
import { JS_OP_MULTIPLY_ADDS, chooseRoutes, dimensions, featureWidth, pairTerms, termCost, type ProblemShape, type Route } from '../../src/parallel/costModel.ts';

const shape = (samples: number, inputDim: number, hiddenDim: number, classes: number): ProblemShape => ({ samples, inputDim, hiddenDim, classes, bias: true });

describe('chooseRoutes', () => {
  it('takes the feature space when N is large and the features few (4-16-3, N = 20,000)', () => {
    expect(chooseRoutes(shape(20_000, 4, 16, 3), DEFAULT_VARIANT).routes).toEqual(['features', 'features', 'features', 'features']);
  });

  it('takes the pairs for the A_n term at MNIST size and the features for nothing there (N = 128)', () => {
    const r = chooseRoutes(shape(128, 784, 128, 10), DEFAULT_VARIANT);
    expect(r.terms.map((t) => t.name)).toEqual(['A', 'S', 'C', 'G']);
    expect(r.routes[0]).toBe('pairs');
    // The g-terms: pairs cost ~N^2 2ch, features ~4N d~ 2ch (both for T2 and its gradient): pairs iff N < 2 d~.
    expect(r.routes[3]).toBe('pairs');
  });

  it('moves the g-terms to the input features once N passes about twice d~ (the contraction order follows the shapes)', () => {
    const routeG = (N: number) => chooseRoutes(shape(N, 30, 28, 5), DEFAULT_VARIANT).routes[3];
    expect(routeG(16)).toBe('pairs');
    expect(routeG(128)).toBe('features');
  });

  it('is the cheapest of all combinations by its own count, and never depends on the threads or the shard', () => {
    for (const s of [shape(128, 30, 28, 5), shape(512, 784, 128, 10), shape(3000, 8, 40, 4)]) {
      const best = chooseRoutes(s, DEFAULT_VARIANT);
      const dims = dimensions(s);
      const terms = pairTerms(s, DEFAULT_VARIANT);
      for (let mask = 0; mask < 1 << terms.length; mask++) {
        const routes = terms.map((_, i): Route => ((mask >> i) & 1 ? 'features' : 'pairs'));
        let cost = terms.reduce((acc, t, i) => acc + termCost(t, routes[i]!, dims).gradients, 0);
        const needX = terms.some((t, i) => routes[i] === 'pairs' && t.alpha > 0);
        const needZ = terms.some((t, i) => routes[i] === 'pairs' && t.beta > 0);
        cost += dims.N * dims.N * ((needX ? dims.dt : 0) + (needZ ? dims.ht : 0));
        expect(best.cost.gradients).toBeLessThanOrEqual(cost);
      }
    }
  });
});

describe('termCost', () => {
  it('counts N^2 w/2 multiply-adds for T2 on pairs and N f w on features', () => {
    const s = shape(100, 6, 5, 3);
    const dims = dimensions(s);
    const [A] = pairTerms(s, DEFAULT_VARIANT);
    expect(A!.width).toBe(15);
    expect(termCost(A!, 'pairs', dims).traces).toBe((100 * 100 * (15 + JS_OP_MULTIPLY_ADDS)) / 2);
    const f = featureWidth(2, 0, dims);
    expect(f).toBe((7 * 8) / 2);
    expect(termCost(A!, 'features', dims).traces).toBe(2 * 100 * f * JS_OP_MULTIPLY_ADDS + 100 * f * 15 + f * 15);
  });
});
