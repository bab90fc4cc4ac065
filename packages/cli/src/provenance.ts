/**
 * What `hsr bound` and `hsr grad` say about where their numbers come from, in text and in
 * JSON: the model (file, format, how its weights were stored, where its activation came from),
 * the data, and the variant of the curvature. Loading goes through here too, so both commands
 * read the same files the same way (model JSON or PyTorch safetensors, `--activation`).
 */
import { checkModelData, readDataFile, readModel, type ModelSource } from '@hsr/io';
import type { Dataset, Model, Variant } from '@hsr/numeric';
import { DEFAULT_CASE_NAME, DEFAULT_DATA_PATH, DEFAULT_MODEL_PATH } from './defaults.ts';
import { parsePath, UsageError } from './errors.ts';
import { applyLossChoice, describeLoss, readLossChoice, type LossProvenance } from './lossFlags.ts';

/** The model's provenance in --json output. */
export interface ModelProvenance extends ModelSource {
  /** The bundled Iris network (no --model given). */
  readonly bundled: boolean;
}

export interface Provenance {
  readonly model: ModelProvenance;
  readonly data: { readonly file: string; readonly bundled: boolean; readonly samples: number };
  readonly variant: Variant;
  /** The loss on the logits and where it came from (--loss, the model file, or the default). */
  readonly loss: LossProvenance;
}

export interface LoadedCase {
  model: Model;
  data: Dataset;
  provenance: Provenance;
}

/** Read --model/--data (or the bundled case), check they fit, and record where they came from. */
export function loadCase(opts: { model?: string; data?: string; activation?: string; loss?: string; labelSmoothing?: string }, variant: Variant): LoadedCase {
  const choice = readLossChoice(opts);
  if ((opts.model === undefined) !== (opts.data === undefined)) throw new UsageError('--model and --data go together (or give neither for the bundled Iris case)');
  const bundled = opts.model === undefined;
  const modelPath = opts.model === undefined ? DEFAULT_MODEL_PATH : parsePath('--model', opts.model);
  const dataPath = opts.data === undefined ? DEFAULT_DATA_PATH : parsePath('--data', opts.data);
  const read = readModel(modelPath, { activation: opts.activation });
  const { model, loss } = applyLossChoice(read.model, choice);
  const data = readDataFile(dataPath);
  checkModelData(model, modelPath, data, dataPath);
  return { model, data, provenance: { model: { ...read.source, bundled }, data: { file: dataPath, bundled, samples: data.samples }, variant, loss } };
}

const BLOCK_TEXT: Record<Variant['block'], string> = { all: 'all parameters', first: 'the first layer (W, b)', second: 'the second layer (V, a)' };

/** "the Hessian of the mean loss over all parameters" and its flags. */
export function describeVariant(v: Variant): string {
  const matrix = v.curvature === 'hessian' ? 'the Hessian' : 'the Gauss-Newton matrix J^T S J';
  return `${matrix} of the ${v.reduction} loss over ${BLOCK_TEXT[v.block]} (--reduction ${v.reduction} --block ${v.block} --curvature ${v.curvature})`;
}

/** "net.safetensors (safetensors, float32 weights widened to float64; activation silu from the file)". */
export function describeModel(m: ModelProvenance): string {
  if (m.bundled) return DEFAULT_CASE_NAME;
  const storage = m.widenedFromFloat32 ? `${m.storage} weights widened to float64` : `${m.storage} weights`;
  const from = m.activationFrom === 'option' ? 'from --activation' : m.format === 'safetensors' ? "from the file's __metadata__" : 'from the file';
  return `${m.file} (${m.format}, ${storage}; activation ${m.activation} ${from})`;
}

/** The header lines of the text output: model, data, variant. */
export function provenanceText(p: Provenance): string {
  const data = p.data.bundled ? `bundled Iris (${p.data.samples} samples, standardised)` : `${p.data.file} (${p.data.samples} samples)`;
  const loss = p.loss ? `loss:    ${describeLoss(p.loss)}\n` : '';
  return `model:   ${describeModel(p.model)}\ndata:    ${data}\n${loss}variant: ${describeVariant(p.variant)}\n`;
}
