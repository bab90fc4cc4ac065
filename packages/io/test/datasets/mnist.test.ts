/**
 * The MNIST-size configuration's loader (datasets/mnist.ts). Checks the properties
 * the benchmark and `hsr train --data mnist` rely on: deterministic in the seed, balanced in
 * every prefix, pixels in [0, 1], and the package's own ordered accessor as the source.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadMnist, MNIST_CLASSES, MNIST_FEATURES } from '../../src/index.ts';

describe('loadMnist', () => {
  const a = loadMnist({ samples: 130, seed: 4 });

  it('is deterministic in the seed and different across seeds', () => {
    const b = loadMnist({ samples: 130, seed: 4 });
    const c = loadMnist({ samples: 130, seed: 5 });
    expect(Array.from(b.data.X)).toEqual(Array.from(a.data.X));
    expect(Array.from(c.data.X)).not.toEqual(Array.from(a.data.X));
  });

  it('is balanced in every prefix of ten and has 784 pixels in [0, 1]', () => {
    expect(a.data.features).toBe(MNIST_FEATURES);
    expect(a.classes).toBe(MNIST_CLASSES);
    for (let s = 0; s < a.data.samples; s++) expect(a.data.y[s]).toBe(s % 10);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of a.data.X) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThan(0.5);
  });

  it('returns digits exactly as the package stores them', () => {
    const digits = createRequire(import.meta.url)('mnist') as { length: number; get(i: number): number[] }[];
    // Sample 13 is the second draw of class 3: some digit of class 3, bit for bit.
    const row = Array.from(a.data.X.subarray(13 * MNIST_FEATURES, 14 * MNIST_FEATURES));
    let found = false;
    for (let i = 0; i < digits[3]!.length && !found; i++) found = digits[3]!.get(i).every((v, j) => v === row[j]);
    expect(found).toBe(true);
  });

  it('rejects sizes the package cannot supply', () => {
    expect(() => loadMnist({ samples: 5 })).toThrow(RangeError);
    expect(() => loadMnist({ samples: 100_000 })).toThrow(RangeError);
  });
});
