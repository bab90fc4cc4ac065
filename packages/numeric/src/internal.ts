/**
 * `@hsr/numeric/internal`: the pieces the closed forms are built from, for this repository's
 * tests and sibling packages (test-side references, benchmarks). Not part of the public API in
 * `index.ts`: names and signatures here may change with the evaluation order of the closed forms.
 */
export { gramMatrix, packedHiddenCurvature, softmaxCovarianceInner, softmaxCovarianceStack, softmaxCovarianceTrace } from './hessianTrace.ts';
export type { HiddenCurvatureLayout } from './sampleCurvature.ts';
export { sampleCurvatureIn } from './sampleCurvature.ts';
export { CHUNK, gemm, gemmJs, rowDotProducts, rowDotProductsJs, weightedRowSums } from './parallel/kernels.ts';
// The shared arena the kernels and worker threads run on (benchmarks time gemm on it).
export { arenaAlloc, arenaMark, arenaRelease } from './parallel/arena.ts';
// Why a request for threads ran on one (null when workers start): for checks of a build.
export { threadsUnavailableReason } from './parallel/threads.ts';
// The stochastic estimators' building blocks: the sketch basis, per-probe means, special functions.
export type { Orthonormalized } from './estimators/orthonormalize.ts';
export { DEPENDENT_RTOL, orthonormalizeRows } from './estimators/orthonormalize.ts';
export { meanOf } from './estimators/hutchinson.ts';
export { logGamma, regularizedGammaP } from './estimators/statistics.ts';
// The per-layer pieces of a network of any depth (Lambda, delta, F, G, X), for the formula sweep's deep legs.
export type { DeepSampleCurvature } from './deep/sampleCurvature.ts';
export { adjacentJacobianInto, deepSampleCurvature } from './deep/sampleCurvature.ts';
