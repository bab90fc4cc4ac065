/**
 * The autodiff tests' cases: crosscheck's `seededCase` with weights and biases ~ N(0, 0.8^2)
 * (every unit in its curved region, so the Hessian has no structurally tiny entries dominating
 * the check) and every class present among the labels.
 */
import { type SeededShape, seededCase } from '@hsr/crosscheck/cases';

export const SMALL: Pick<SeededShape, 'samples' | 'inputDim' | 'hiddenDim' | 'classes'> = { samples: 4, inputDim: 3, hiddenDim: 3, classes: 3 };

export function randomCase(shape: SeededShape & { weightScale?: number }) {
  return seededCase(shape, { weights: { kind: 'normal', scale: shape.weightScale ?? 0.8 }, everyClass: true });
}
