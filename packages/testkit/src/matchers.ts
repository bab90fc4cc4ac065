/**
 * `expect(actual).toBeAllClose(expected, { rtol, atol })` for vitest: prints the worst
 * element on failure. Registered by `setup.ts` (the root vitest config's setup file).
 */
import { type CompareOptions, compareClose, describeComparison } from '@hsr/crosscheck/tolerances';

export const allCloseMatchers = {
  toBeAllClose(received: ArrayLike<number> | number, expected: ArrayLike<number> | number, options: CompareOptions) {
    const c = compareClose(received, expected, options);
    return {
      pass: c.ok,
      message: () => (c.ok ? `expected values not to be all close, but worst ${describeComparison(c)}` : `expected values to be all close: worst ${describeComparison(c)}`),
    };
  },
};

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the augmentation must repeat vitest's own declaration, `Matchers<T = any>`, to merge with it.
  interface Matchers<T = any> {
    toBeAllClose(expected: ArrayLike<number> | number, options: CompareOptions): T;
  }
}
