/**
 * The gradient properties (issue 3's closed forms, held here as issue 4 asks): numeric's
 * activation derivative table, the gradients of T1 and T2 and of the upper, lower and range
 * WS bounds against five-point central differences, on generated cases of every variant.
 * The autodiff legs hold the same gradients against @hsr/autodiff, imported statically.
 */
import { describe } from 'vitest';
import { test } from '@fast-check/vitest';
import { AUTODIFF_PROPERTIES, GRADIENT_PROPERTIES, caseArbitrary, predicate, propertyParameters } from '@hsr/crosscheck';

const FILE = 'packages/numeric/test/properties/gradients.test.ts';
const RUNS = 100;

describe('gradient properties on generated cases', () => {
  for (const property of GRADIENT_PROPERTIES) {
    test.prop([caseArbitrary()], propertyParameters(property, { file: FILE, numRuns: RUNS }))(property.name, (c) => predicate(property)(c));
  }
});

describe('autodiff legs on generated cases', () => {
  for (const property of AUTODIFF_PROPERTIES) {
    // Smaller cases: the autodiff Hessian and third-order gradients cost O(P^2)-O(P^3) passes.
    const arbitrary = caseArbitrary({ inputDim: [1, 4], hiddenDim: [1, 4], samples: [1, 6] });
    test.prop([arbitrary], propertyParameters(property, { file: FILE, numRuns: 30 }))(property.name, (c) => predicate(property)(c));
  }
});
