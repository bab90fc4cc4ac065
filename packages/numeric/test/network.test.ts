/**
 * network.ts: the loss gradient by backpropagation (eq:loss-gradient) equals a five-point
 * difference of the loss and the autodiff gradient of the loss definition.
 */
import { lossGradientEqualsAutodiff, lossGradientVsCentralDifference } from '@hsr/crosscheck/properties';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';

describeProperties('loss-gradient properties on generated cases', { file: 'packages/numeric/test/network.test.ts', properties: [lossGradientVsCentralDifference], numRuns: 200 });
describeProperties('autodiff legs on generated cases', { file: 'packages/numeric/test/network.test.ts', properties: [lossGradientEqualsAutodiff], numRuns: 30, cases: AUTODIFF_CASES });
