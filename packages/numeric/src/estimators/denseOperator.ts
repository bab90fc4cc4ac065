/**
 * An explicit symmetric matrix as a HessianOperator, so every estimator can be checked on small
 * matrices whose trace, Frobenius norm, diagonal and spectrum are known exactly.
 * Cost O(P^2) per product.
 */
import type { SymmetricMatrix } from '../hessian.ts';
import type { HessianOperator } from '../hessianVectorProduct.ts';

export function denseOperator(matrix: SymmetricMatrix): HessianOperator {
  const { size: P, data } = matrix;
  if (data.length !== P * P) throw new RangeError(`denseOperator: a ${P} x ${P} matrix needs ${P * P} values, got ${data.length}`);
  return {
    size: P,
    apply(v: Float64Array, out: Float64Array = new Float64Array(P)): Float64Array {
      if (v.length !== P) throw new RangeError(`vector has length ${v.length}, the matrix has ${P} columns`);
      for (let i = 0; i < P; i++) {
        let s = 0;
        const row = i * P;
        for (let j = 0; j < P; j++) s += data[row + j]! * v[j]!;
        out[i] = s;
      }
      return out;
    },
  };
}

/** Count the products an operator performs (for progress displays and budget checks). */
export function countingOperator(op: HessianOperator, onProduct: () => void): HessianOperator {
  return {
    size: op.size,
    apply(v: Float64Array, out?: Float64Array): Float64Array {
      const r = op.apply(v, out);
      onProduct();
      return r;
    },
  };
}
