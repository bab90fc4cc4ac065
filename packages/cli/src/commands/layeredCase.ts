/**
 * Models of any depth in `hsr bound` and `hsr grad`: the layered model file
 * {"activation", "activations"?, "layers": [{"W", "b"?}, ...]} and `--layers 1,3` (1-based)
 * for a block of layers. `bound` computes the closed-form T1, T2 and the five bounds of any
 * depth (numeric's deep/traces.ts) and, with --exact, the dense deep Hessian's spectrum, or with
 * --hvp-budget K the estimated bounds from K deep Hessian-vector products; `grad`
 * takes a layered file of two layers as the three-layer network it is, and a deeper one (or any
 * layered file with --layers) through the deep bound gradient (numeric's deep/traceGradient.ts),
 * answering {"value", "layers": [{"W", "b"?}, ...], "of", ...} in the file's shape. Every loss
 * of numeric's table: the file's "loss" (and "labelSmoothing"), overridden by --loss and
 * --label-smoothing exactly as for the W, b, V, a file (lossFlags.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { checkDataRange, InputError, MAX_INPUT_BYTES, readDataFile, readLayeredModel } from '@hsr/io';
import {
  type BoundKind,
  checkLayerSet,
  type Dataset,
  deepBoundGradient,
  deepDenseHessian,
  deepHessianOperator,
  deepHessianTraces,
  type DeepVariant,
  depthOf,
  type LayeredModel,
  type ParameterShapes,
  layersOfBlock,
  layerWidths,
  modelFromLayered,
  symmetricEigenvalues,
  toLayerShapes,
  type Variant,
} from '@hsr/numeric';
import { DEFAULT_DATA_PATH } from '../defaults.ts';
import { applyLossChoice, describeLoss, type LossProvenance, readLossChoice } from '../lossFlags.ts';
import { parsePath, UsageError } from '../errors.ts';
import { formatNumber, printJson, renderTable } from '../output.ts';
import type { LoadedCase } from '../provenance.ts';
import { type BoundReport, boundReportFromTraces, exactSpectrumOf, MAX_EXACT_PARAMETERS } from './bound.ts';
import { type EstimatedBoundReport, estimatedBoundOf } from './boundEstimate.ts';

/** `--layers <list>` on a command. */
export function addLayersOption(cmd: Command): Command {
  return cmd.option('--layers <list>', 'the layers the Hessian covers, 1-based and comma-separated (e.g. 1,3), for a model of any depth (default: all)');
}

/**
 * The number of layers of a --model file that is layered model JSON (a top-level "layers"; -1
 * when that is not an array, which the reader then refuses), or null for any other file. Any
 * read problem is left to the normal reader.
 */
export function layeredFileDepth(path: string | undefined): number | null {
  if (path === undefined || /\.safetensors$/i.test(path)) return null;
  try {
    const st = statSync(path);
    // Only a regular file is peeked at: reading a FIFO or a device here would block or never end;
    // the reader proper then refuses it in one line.
    if (!st.isFile() || st.size > MAX_INPUT_BYTES) return null;
    const doc = JSON.parse(readFileSync(path, 'utf8').replace(/^\ufeff/, '')) as unknown;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !Object.hasOwn(doc, 'layers')) return null;
    const layers = (doc as { layers: unknown }).layers;
    return Array.isArray(layers) ? layers.length : -1;
  } catch {
    return null;
  }
}

/** Whether a --model file is a layered model JSON (top-level "layers"). */
export function isLayeredModelFile(path: string | undefined): boolean {
  return layeredFileDepth(path) !== null;
}

/** --layers 1,3 as 0-based layer indices, checked against the model. */
export function parseLayers(text: string, model: LayeredModel): number[] {
  const L = depthOf(model);
  const items = text.split(',').map((s) => s.trim());
  const layers = items.map((item) => {
    if (!/^\d+$/.test(item)) throw new UsageError(`--layers: "${item}" is not a layer number (expected 1-based numbers like 1,3 for a model with layers 1..${L})`);
    return Number(item) - 1;
  });
  try {
    return checkLayerSet(model, layers);
  } catch (error) {
    throw new UsageError(`--layers: ${(error as Error).message}`);
  }
}

/** The deep variant from --reduction/--block/--curvature and --layers; --block first|second beyond two layers gets a hint toward --layers. */
export function readDeepVariant(variant: Variant, layersText: string | undefined, model: LayeredModel): DeepVariant {
  const L = depthOf(model);
  if (layersText !== undefined && variant.block !== 'all') throw new UsageError('--layers: not with --block first|second (say the layers with --layers alone)');
  if (variant.block !== 'all' && L > 2) {
    throw new UsageError(`--block ${variant.block}: means a layer of a two-layer model; this model has ${L} layers: use --layers ${variant.block === 'first' ? 1 : L} (or any list, e.g. --layers 1,${L})`);
  }
  const layers = layersText === undefined ? layersOfBlock(model, variant.block) : parseLayers(layersText, model);
  return { reduction: variant.reduction, curvature: variant.curvature, layers };
}

/** Read a layered --model and its --data, checking they fit (features, labels, input range). */
export function loadLayeredCase(opts: { model?: string; data?: string; activation?: string; loss?: string; labelSmoothing?: string }): {
  model: LayeredModel;
  data: Dataset;
  modelPath: string;
  dataPath: string;
  loss: LossProvenance;
} {
  const choice = readLossChoice(opts);
  if (opts.model === undefined) throw new UsageError('--layers: needs --model (the bundled Iris network has two layers: use --block)');
  if (opts.data === undefined) throw new UsageError('--model and --data go together (or give neither for the bundled Iris case)');
  const modelPath = parsePath('--model', opts.model);
  const dataPath = parsePath('--data', opts.data ?? DEFAULT_DATA_PATH);
  const { model, loss } = applyLossChoice(readLayeredModel(modelPath, { activation: opts.activation }), choice);
  const data = readDataFile(dataPath);
  const widths = layerWidths(model);
  const d = widths[0]!;
  const c = widths[widths.length - 1]!;
  if (data.features !== d) throw new InputError(dataPath, { kind: 'field', field: 'X' }, `has ${data.features} features per sample, but ${modelPath} expects d = ${d} (the columns of layers[0].W)`);
  for (let n = 0; n < data.samples; n++) {
    if (data.y[n]! >= c) throw new InputError(dataPath, { kind: 'field', field: `y[${n}]` }, `label ${data.y[n]} is out of range 0..${c - 1} (${modelPath} has c = ${c} classes)`);
  }
  checkDataRange(data, dataPath, model.layers[0]!.b !== null);
  return { model, data, modelPath, dataPath, loss };
}

/** T1, T2, the five bounds and (with exact) the dense deep spectrum, as `hsr bound` reports them. */
export function computeLayeredBoundReport(model: LayeredModel, data: Dataset, variant: DeepVariant, exact: boolean): BoundReport {
  const t = deepHessianTraces(model, data, variant);
  const report = boundReportFromTraces(t.traceH, t.traceH2, t.parameters, data.samples);
  if (exact) {
    if (t.parameters > MAX_EXACT_PARAMETERS) {
      throw new UsageError(`--exact: P = ${t.parameters} is above ${MAX_EXACT_PARAMETERS}; the dense Hessian would need ${formatNumber((t.parameters ** 2 * 8) / 2 ** 20)} MiB and an O(P^3) solve`);
    }
    const H = deepDenseHessian(model, data, variant);
    report.exact = exactSpectrumOf(report, H, symmetricEigenvalues(H));
  }
  return report;
}

/** `hsr bound --hvp-budget K` on a layered model: T1, T2 estimated from K exact deep Hessian-vector products (R-operator), never a P x P matrix. */
export function computeLayeredEstimatedBound(model: LayeredModel, data: Dataset, variant: DeepVariant, budget: number, seed: number): EstimatedBoundReport {
  return estimatedBoundOf(deepHessianOperator(model, data, variant), data.samples, budget, seed);
}

/** What `hsr bound --json` says about a layered model, beside the report. */
export function layeredProvenance(model: LayeredModel, modelPath: string, dataPath: string, data: Dataset, variant: DeepVariant, loss: LossProvenance) {
  return {
    loss,
    model: { file: modelPath, format: 'json', storage: 'float64', widenedFromFloat32: false, widths: layerWidths(model), activations: [...model.activations], activationFrom: 'file', bundled: false },
    data: { file: dataPath, bundled: false, samples: data.samples },
    variant: { reduction: variant.reduction, curvature: variant.curvature, layers: variant.layers.map((l) => l + 1) },
  };
}

/** The header lines of the text output for a layered model. */
export function layeredProvenanceText(p: ReturnType<typeof layeredProvenance>): string {
  const matrix = p.variant.curvature === 'hessian' ? 'the Hessian' : 'the Gauss-Newton matrix J^T S J';
  return `model:   ${p.model.file} (json, layers ${p.model.widths.join('-')}, activations ${p.model.activations.join(', ')})\ndata:    ${p.data.file} (${p.data.samples} samples)\nloss:    ${describeLoss(p.loss)}\nvariant: ${matrix} of the ${p.variant.reduction} loss over layers ${p.variant.layers.join(',')} (--reduction ${p.variant.reduction} --layers ${p.variant.layers.join(',')} --curvature ${p.variant.curvature})\n`;
}

/** `hsr grad` on a layered file of two layers, without --layers: the three-layer network it is. */
export function loadLayeredCaseForGradient(opts: { model?: string; data?: string; activation?: string; loss?: string; labelSmoothing?: string }, variant: Variant): LoadedCase {
  const { model, data, modelPath, dataPath, loss } = loadLayeredCase(opts);
  const two = modelFromLayered(model);
  if (two === null) throw new Error(`${modelPath}: a ${depthOf(model)}-layer network reached the two-layer gradient path`);
  return {
    model: two,
    data,
    provenance: {
      model: { file: modelPath, format: 'json', storage: 'float64', widenedFromFloat32: false, activation: two.activation, activationFrom: 'file', bundled: false },
      data: { file: dataPath, bundled: false, samples: data.samples },
      variant,
      loss,
    },
  };
}

/** A two-layer gradient report in the layered file's shape: one {W, b?} per layer. */
export function layeredGradient(report: { gradient: ParameterShapes<number> }): { W: number[][]; b?: number[] }[] {
  const g = report.gradient;
  return [
    { W: g.W, ...(g.b ? { b: g.b } : {}) },
    { W: g.V, ...(g.a ? { b: g.a } : {}) },
  ];
}

/**
 * Whether `hsr grad` takes the deep path: --layers, or a layered file (of `depth` layers, from
 * layeredFileDepth) that is not two layers.
 */
export function wantsDeepGradient(opts: { layers?: string }, depth: number | null): boolean {
  if (opts.layers !== undefined) return true;
  return depth !== null && depth !== 2;
}

const GRAD_LABEL: Record<BoundKind, string> = {
  upper: 'lambda_max upper bound U = m + s sqrt(P-1)',
  lower: 'lambda_min lower bound m - s sqrt(P-1)',
  range: 'range bound s sqrt(2P)',
};

/**
 * `hsr grad` on a layered model of any depth (or with --layers): the closed-form gradient of one
 * WS bound of the block, in the file's shape. One process for now: --shard is refused in one line.
 */
export function runLayeredGrad(
  opts: { model?: string; data?: string; activation?: string; loss?: string; labelSmoothing?: string; layers?: string; json?: boolean },
  variant: Variant,
  of: BoundKind,
  sharded: boolean,
): void {
  if (sharded) throw new UsageError('--shard: a layered model runs on one process for now (no --shard with --layers or a deeper model)');
  const { model, data, modelPath, dataPath, loss } = loadLayeredCase(opts);
  const deep = readDeepVariant(variant, opts.layers, model);
  const g = deepBoundGradient(model, data, deep, of);
  let finite = Number.isFinite(g.value);
  for (let i = 0; finite && i < g.gradient.length; i++) finite = Number.isFinite(g.gradient[i]!);
  if (!finite) throw new UsageError(`${modelPath}: the closed form overflowed float64 (the bound is ${g.value}); scale the weights or the inputs of ${dataPath}`);
  const layers = toLayerShapes(model, g.gradient);
  const provenance = layeredProvenance(model, modelPath, dataPath, data, deep, loss);
  if (opts.json) {
    printJson({ value: g.value, layers, ...(g.degenerate ? { degenerate: true } : {}), of, ...provenance });
    return;
  }
  const frob = (x: readonly number[]) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  const rows: (string | number)[][] = [['layer', 'shape', '||grad W||', '||grad b||']];
  let total = 0;
  layers.forEach((layer, l) => {
    const w = frob(layer.W.flat());
    const b = layer.b ? frob(layer.b) : 0;
    total += w * w + b * b;
    rows.push([l + 1, `${model.layers[l]!.outputs} x ${model.layers[l]!.inputs}`, w, layer.b ? b : '-']);
  });
  rows.push(['all', '', Math.sqrt(total), '']);
  let out = `${layeredProvenanceText(provenance)}${GRAD_LABEL[of]} (P = ${g.bounds.parameters})\n\nvalue: ${g.value}\n\n${renderTable(rows)}`;
  if (g.degenerate) out += 'note: s = 0 (all eigenvalues equal): the bound has no gradient here; the minimum-norm subgradient is shown\n';
  process.stdout.write(out);
}
