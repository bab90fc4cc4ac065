/**
 * `@hsr/testkit/properties`: a suite of crosscheck's named properties as vitest tests, one test
 * per property on generated cases, named after the property; a failure prints the shrunk case
 * and the command that replays it in `file`.
 */
import { test } from '@fast-check/vitest';
import { type CaseOptions, caseArbitrary, type NamedProperty, predicate, propertyParameters } from '@hsr/crosscheck/properties';
import { describe } from 'vitest';

export interface PropertySuite {
  /** The test file, from the repository root (for the replay command). */
  readonly file: string;
  readonly properties: readonly NamedProperty[];
  readonly numRuns: number;
  /** Shape limits of the generated cases (smaller for the O(P^3) autodiff legs). */
  readonly cases?: CaseOptions;
}

export function describeProperties(title: string, suite: PropertySuite): void {
  describe(title, () => {
    const arbitrary = caseArbitrary(suite.cases);
    for (const property of suite.properties) test.prop([arbitrary], propertyParameters(property, { file: suite.file, numRuns: suite.numRuns }))(property.name, (c) => predicate(property)(c));
  });
}

/** Cases small enough for the autodiff oracle's third-order passes (O(P^2)-O(P^3) each). */
export const AUTODIFF_CASES: CaseOptions = { inputDim: [1, 4], hiddenDim: [1, 4], samples: [1, 6] };
