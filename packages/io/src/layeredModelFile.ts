/**
 * The layered model file, for MLPs of any depth:
 *   {"activation": "tanh", "activations"?: ["tanh", "gelu"], "loss"?: "mse", "labelSmoothing"?: 0.1,
 *    "layers": [{"W": [[...]], "b": [...]}, ...]}
 * (the last layer gives the logits; `b` in every layer or in none; `activations`, one per
 * hidden layer, overrides `activation`; "loss" and "labelSmoothing" as in the W, b, V, a file,
 * every loss of numeric's table). The three-layer file (W, b, V, a) and a PyTorch
 * safetensors state_dict of nn.Sequential(Linear, act, Linear) stay valid and read as L = 2.
 * Read strictly (errors.ts: one line naming the file and the field), written atomically.
 */
import { type LayeredModel, ShapeError, createLayeredModel, layeredFromModel, layeredModelToArrays, ACTIVATION_NAMES } from '@hsr/numeric';
import { writeFileAtomic } from './atomicWrite.ts';
import { InputError, describeValue as describe, fieldLocation } from './errors.ts';
import { parseJsonText } from './json.ts';
import { lossFieldLines, lossFieldsOf, parseModelJson, type ModelNotes } from './modelFile.ts';
import { readModel, type ModelReadOptions } from './modelSource.ts';
import { LAYER_FIELDS, LAYERED_MODEL_FIELDS, layeredModelFileSchema, validate } from './schemas.ts';
import { readText } from './textFile.ts';

/** Whether model-file JSON text is in the layered shape (a top-level "layers" field). */
function isLayeredDocument(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && Object.hasOwn(doc, 'layers');
}

/** A layered model from either model-file shape (layered, or W, b, V, a as L = 2). */
export function parseLayeredModelJson(text: string, fileLabel: string): LayeredModel {
  const raw = parseJsonText(text, fileLabel);
  if (!isLayeredDocument(raw)) return layeredFromModel(parseModelJson(text, fileLabel));
  const layersRaw = (raw as { layers: unknown }).layers;
  if (Array.isArray(layersRaw)) {
    layersRaw.forEach((layer, l) => {
      if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) {
        throw new InputError(fileLabel, fieldLocation(`layers[${l}]`), `must be an object {"W": [[...]], "b": [...]}, got ${describe(layer)}`);
      }
      for (const key of Object.keys(layer)) {
        if (!LAYER_FIELDS.includes(key)) throw new InputError(fileLabel, fieldLocation(`layers[${l}].${key}`), `unknown field ${JSON.stringify(key)} (expected ${LAYER_FIELDS.join(', ')})`);
      }
    });
  }
  const doc = validate(layeredModelFileSchema, raw, fileLabel, LAYERED_MODEL_FIELDS);
  if (doc.activations === undefined && !ACTIVATION_NAMES.includes(doc.activation as never)) {
    throw new InputError(fileLabel, fieldLocation('activation'), `unknown activation ${describe(doc.activation)} (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  }
  const { loss, labelSmoothing } = lossFieldsOf(doc, fileLabel);
  try {
    return createLayeredModel({ activation: doc.activation, activations: doc.activations, loss, labelSmoothing, layers: doc.layers.map((layer) => ({ W: layer.W, b: layer.b ?? undefined })) });
  } catch (error) {
    if (error instanceof ShapeError) throw new InputError(fileLabel, fieldLocation(error.field), error.message.slice(error.field.length + 2));
    throw error;
  }
}

/** Read a model file of any depth (JSON in either shape, or safetensors as L = 2). Throws InputError. */
export function readLayeredModel(path: string, options: ModelReadOptions = {}): LayeredModel {
  if (/\.safetensors$/i.test(path)) return layeredFromModel(readModel(path, options).model);
  const model = parseLayeredModelJson(readText(path), path);
  if (options.activation !== undefined && model.activations.some((a) => a !== options.activation!.toLowerCase())) {
    throw new InputError(path, fieldLocation('activation'), `is "${model.activations.join(', ')}", but ${options.activationOption ?? '--activation'} says ${describe(options.activation)}`);
  }
  return model;
}

/** The layered model-file text: one matrix row per line, numbers in shortest round-trip form. */
export function formatLayeredModelJson(model: LayeredModel, notes: ModelNotes = {}): string {
  const arrays = layeredModelToArrays(model);
  const row = (xs: readonly number[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const matrix = (rows: readonly (readonly number[])[]) => `[\n${rows.map((r) => `        ${row(r)}`).join(',\n')}\n      ]`;
  const lines = [`  "activation": ${JSON.stringify(arrays.activation)}`];
  if (arrays.activations) lines.push(`  "activations": ${JSON.stringify(arrays.activations)}`);
  lines.push(...lossFieldLines(arrays));
  const layers = arrays.layers.map((layer) => {
    const parts = [`      "W": ${matrix(layer.W)}`];
    if (layer.b) parts.push(`      "b": ${row(layer.b)}`);
    return `    {\n${parts.join(',\n')}\n    }`;
  });
  lines.push(`  "layers": [\n${layers.join(',\n')}\n  ]`);
  if (notes.source !== undefined) lines.push(`  "source": ${JSON.stringify(notes.source)}`);
  if (notes.about !== undefined) lines.push(`  "about": ${JSON.stringify(notes.about)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Write a layered model file atomically. */
export function writeLayeredModelFile(path: string, model: LayeredModel, notes: ModelNotes = {}): void {
  writeFileAtomic(path, formatLayeredModelJson(model, notes));
}
