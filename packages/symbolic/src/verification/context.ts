/**
 * The evaluation context of one case: the inputs of the executable definitions (data,
 * parameters W~ = [W | b] and V~ = [V | a] in theta order, kappa, the variant's selectors, label
 * smoothing's epsilon) taken from a @hsr/numeric model and data set, and the activation as
 * numbers.
 */
import { ACTIVATIONS, labelSmoothingOf, lossOf, type Dataset, type Model, type Variant } from '@hsr/numeric';
import type { ActivationFunctions, EvaluationContext, Sizes, Tensor } from '../notation/evaluate.ts';
import type { Definition } from '../notation/expression.ts';
import { sizesOf, tensor } from '../notation/evaluate.ts';
import { EPSILON_SMOOTHING, LOSS_DEFINITIONS, lossDefinitionMap, type LossDefinitions } from '../definitions/losses.ts';

/** phi..phi''' of a named activation, from numeric's table. */
export function namedActivation(model: Model): ActivationFunctions {
  const rule = ACTIVATIONS[model.activation];
  return { phi: rule.phi, phi1: rule.d1, phi2: rule.d2, phi3: rule.d3 };
}

export function caseSizes(model: Model, samples: number): Sizes {
  const bias = model.b !== null ? 1 : 0;
  const dt = model.inputDim + bias;
  const ht = model.hiddenDim + bias;
  return sizesOf({ N: samples, d: model.inputDim, dt, h: model.hiddenDim, ht, c: model.classes, theta: model.hiddenDim * dt + model.classes * ht });
}

/** [W | b] (h x d~) and [V | a] (c x h~) as tensors. */
export function augmentedParameters(model: Model): { Wt: Tensor; Vt: Tensor } {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const bias = model.b !== null;
  const dt = d + (bias ? 1 : 0);
  const ht = h + (bias ? 1 : 0);
  const Wt = new Float64Array(h * dt);
  const Vt = new Float64Array(c * ht);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < d; j++) Wt[i * dt + j] = model.W[i * d + j]!;
    if (model.b) Wt[i * dt + d] = model.b[i]!;
  }
  for (let k = 0; k < c; k++) {
    for (let i = 0; i < h; i++) Vt[k * ht + i] = model.V[k * h + i]!;
    if (model.a) Vt[k * ht + h] = model.a[k]!;
  }
  return { Wt: tensor([h, dt], Wt), Vt: tensor([c, ht], Vt) };
}

export interface CaseInputs {
  readonly model: Model;
  readonly data: Dataset;
  readonly variant: Variant;
  /** Default: the model's named activation from numeric's table. */
  readonly activation?: ActivationFunctions;
  /** Default: the model's loss (its row of the loss table). */
  readonly loss?: LossDefinitions;
  /** Extra inputs (a direction for the Hessian-vector product, the spectrum's extremes, ...). */
  readonly extra?: ReadonlyMap<string, Tensor | number>;
  /** Definitions used in place of the registry's (or the loss's) of the same name: a mutant, in the tests. */
  readonly overrides?: readonly Definition[];
}

export function caseContext(c: CaseInputs): EvaluationContext {
  const { model, data, variant } = c;
  const sizes = caseSizes(model, data.samples);
  const y = new Float64Array(data.samples * model.classes);
  for (let n = 0; n < data.samples; n++) y[n * model.classes + data.y[n]!] = 1;
  const { Wt, Vt } = augmentedParameters(model);
  const inputs = new Map<string, Tensor | number>([
    ['x', tensor([data.samples, model.inputDim], data.X)],
    ['y', tensor([data.samples, model.classes], y)],
    ['Wt', Wt],
    ['Vt', Vt],
    ['kappa', variant.reduction === 'mean' ? 1 / data.samples : 1],
    ['oneW', variant.block === 'second' ? 0 : 1],
    ['oneV', variant.block === 'first' ? 0 : 1],
    ['oneH', variant.curvature === 'hessian' ? 1 : 0],
    [EPSILON_SMOOTHING.name, labelSmoothingOf(model)],
    ...(c.extra ?? new Map()),
  ]);
  const definitions = lossDefinitionMap(c.loss ?? LOSS_DEFINITIONS[lossOf(model)]);
  for (const d of c.overrides ?? []) definitions.set(d.name, d);
  return { sizes, inputs, definitions, activation: c.activation ?? namedActivation(model) };
}
