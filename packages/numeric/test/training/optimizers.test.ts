/**
 * Each optimizer against its textbook update written out by hand for two steps on a
 * 2-vector (eq:optimizer-sgd, eq:optimizer-momentum, eq:optimizer-adam, decoupled decay).
 */
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { createOptimizer } from '../../src/training/optimizers.ts';

const d1 = Float64Array.of(0.5, -2);
const d2 = Float64Array.of(-1, 0.25);

describe('optimizers', () => {
  it('sgd: theta - eta d, twice', () => {
    const th = Float64Array.of(1, 2);
    const o = createOptimizer({ name: 'sgd', learningRate: 0.1, momentum: 0, weightDecay: 0 }, 2);
    o.step(th, d1);
    o.step(th, d2);
    expect(th).toBeAllClose([1 - 0.1 * 0.5 - 0.1 * -1, 2 - 0.1 * -2 - 0.1 * 0.25], { rtol: RTOL_SAME_FORMULA });
  });

  it('momentum: heavy ball m = mu m + d', () => {
    const th = Float64Array.of(1, 2);
    const o = createOptimizer({ name: 'momentum', learningRate: 0.1, momentum: 0.9, weightDecay: 0 }, 2);
    o.step(th, d1);
    o.step(th, d2);
    const m1 = [0.5, -2];
    const m2 = [0.9 * 0.5 - 1, 0.9 * -2 + 0.25];
    expect(th).toBeAllClose([1 - 0.1 * m1[0]! - 0.1 * m2[0]!, 2 - 0.1 * m1[1]! - 0.1 * m2[1]!], { rtol: RTOL_SAME_FORMULA });
  });

  it('adam: bias-corrected moments (Kingma & Ba, Alg. 1)', () => {
    const th = Float64Array.of(1, 2);
    const o = createOptimizer({ name: 'adam', learningRate: 0.01, momentum: 0, weightDecay: 0 }, 2);
    o.step(th, d1);
    o.step(th, d2);
    const expected = [1, 2];
    for (let i = 0; i < 2; i++) {
      // First step: m^ = d, v^ = d^2, so the step is eta * sign(d) (up to eps).
      expected[i]! -= (0.01 * d1[i]!) / (Math.abs(d1[i]!) + 1e-8);
      const m = 0.9 * 0.1 * d1[i]! + 0.1 * d2[i]!;
      const v = 0.999 * 0.001 * d1[i]! ** 2 + 0.001 * d2[i]! ** 2;
      expected[i]! -= (0.01 * (m / (1 - 0.9 ** 2))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    }
    expect(th).toBeAllClose(expected, { rtol: RTOL_SAME_FORMULA });
  });

  it('weight decay is decoupled: subtracts eta * omega * theta_old after the step', () => {
    const th = Float64Array.of(1, 2);
    const o = createOptimizer({ name: 'adam', learningRate: 0.01, momentum: 0, weightDecay: 0.5 }, 2);
    o.step(th, d1);
    const expected = [0, 1].map((i) => [1, 2][i]! - (0.01 * d1[i]!) / (Math.abs(d1[i]!) + 1e-8) - 0.01 * 0.5 * [1, 2][i]!);
    expect(th).toBeAllClose(expected, { rtol: RTOL_SAME_FORMULA });
  });
});
