/**
 * `@hsr/testkit`: what the tests of every package share, so that no package needs a
 * devDependency on another (tests resolve workspace packages through the root package.json).
 * The tolerances are crosscheck's public module, re-exported so a test names them from one place
 * without loading the oracles behind the rest of crosscheck.
 */
// The whole tolerance module, as crosscheck publishes it (its index lists each name).
export * from '@hsr/crosscheck/tolerances';
export { allCloseMatchers } from './matchers.ts';
export { crossTerm, pairSumTraceH2 } from './pairSumTraces.ts';
export type { Exact } from './matrices.ts';
export { enumerateRademacher, exactOf, lowRankPsd, matVec, orthonormalBasis, projectOut, randomSymmetric, square } from './matrices.ts';
export type { DeepCase, DeepCaseSpec } from './deepCases.ts';
export { deepCase, describeDeepVariant, layerSubsets } from './deepCases.ts';
