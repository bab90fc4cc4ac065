/**
 * Seeded MLPs of any depth and their data, for the deep tests: Glorot-normal weights (scaled),
 * normal biases, standard-normal inputs and uniform labels from one seed, so a failure names
 * the case it came from and reruns it exactly.
 */
import { type Activation, createRng, type Dataset, type DeepVariant, initLayeredModel, type LayeredModel } from '@hsr/numeric';

export interface DeepCaseSpec {
  readonly widths: readonly number[];
  readonly activation: Activation | readonly Activation[];
  readonly bias: boolean;
  readonly samples: number;
  readonly seed: number;
  /** Weight scale (default 1.3: curved, not saturated). */
  readonly scale?: number;
}

export interface DeepCase {
  readonly label: string;
  readonly model: LayeredModel;
  readonly data: Dataset;
}

export function deepCase(spec: DeepCaseSpec): DeepCase {
  const model = initLayeredModel({ activation: spec.activation, widths: spec.widths, bias: spec.bias, seed: spec.seed, scale: spec.scale ?? 1.3, biasScale: spec.bias ? 0.5 : 0 });
  const rng = createRng(spec.seed + 7919);
  const d = spec.widths[0]!;
  const c = spec.widths[spec.widths.length - 1]!;
  const X = Float64Array.from({ length: spec.samples * d }, () => rng.normal());
  const y = Int32Array.from({ length: spec.samples }, () => Math.min(c - 1, Math.floor(rng.uniform() * c)));
  const act = typeof spec.activation === 'string' ? spec.activation : spec.activation.join('+');
  const label = `${spec.widths.join('-')} ${act} ${spec.bias ? 'bias' : 'nobias'} N=${spec.samples} seed=${spec.seed}`;
  return { label, model, data: { samples: spec.samples, features: d, X, y } };
}

/** Every non-empty set of layers of an L-layer model (0-based, ascending). */
export function layerSubsets(L: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << L; mask++) out.push(Array.from({ length: L }, (_, l) => l).filter((l) => mask & (1 << l)));
  return out;
}

/** A readable name of a deep variant. */
export function describeDeepVariant(v: DeepVariant): string {
  return `${v.reduction} ${v.curvature} layers ${v.layers.map((l) => l + 1).join(',')}`;
}
