/**
 * Issue 2's property checks over generated networks and data (crosscheck's arbitraries:
 * every activation, bias on/off, d, h in 1..6, c in 2..4, N in 1..8, near-zero and saturating
 * weights, orthogonal and near-orthogonal inputs, every reduction x block x curvature):
 * eigenvalues sum to T1 and their squares to T2, the dense traces match, every WS
 * inequality holds, the dense Hessian is symmetric and equals a central difference of the
 * analytic gradient, which equals a central difference of the loss.
 *
 * Each property's seed is in its test name; a failure prints the shrunk case, the worst
 * element and the command that replays it (HSR_SEED=... HSR_PATH=... pnpm test <this file> -t <name>).
 */
import { describe } from 'vitest';
import { test } from '@fast-check/vitest';
import { ISSUE2_PROPERTIES, caseArbitrary, predicate, propertyParameters } from '@hsr/crosscheck';

const FILE = 'packages/numeric/test/properties/issue2.test.ts';
/** Enough cases to visit every activation x block x curvature several times (~30 ms per case for all seven). */
const RUNS = 200;

describe('issue 2 properties on generated cases', () => {
  for (const property of ISSUE2_PROPERTIES) {
    test.prop([caseArbitrary()], propertyParameters(property, { file: FILE, numRuns: RUNS }))(property.name, (c) => predicate(property)(c));
  }
});
