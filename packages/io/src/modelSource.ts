/**
 * A model from whichever file the user has: the model JSON (modelFile.ts) or a PyTorch
 * state_dict saved as safetensors (safetensors.ts), and a record of where it came from that
 * the commands print (format, how the weights were stored, where the activation came from).
 *
 * The safetensors file holds the state_dict of
 *
 *   nn.Sequential(nn.Linear(d, h), activation, nn.Linear(h, c))
 *
 * i.e. tensors "0.weight" (h x d), "0.bias" (h), "2.weight" (c x h), "2.bias" (c); nn.Linear
 * computes x W^T + b, so its weight is this toolkit's W (h x d) and V (c x h) as stored, row
 * for row. Any two layer names work (`fc1`, `fc2`, or a prefix such as `net.0`): they are put
 * in order by their trailing integers, else by which one's output feeds the other. Biases are
 * on for both layers or for neither (`bias=False`). The activation is not a tensor: it comes
 * from the header's `__metadata__.activation` (`save_file(sd, path, metadata={"activation":
 * "tanh"})`; PyTorch's class names such as "SiLU" or "GELU" are accepted) or from the caller
 * (`--activation`), and the two must agree when both are given. F32 weights are widened to
 * float64 exactly: the model is the float32 one, evaluated in float64.
 */
import { ACTIVATION_NAMES, LOSS_NAMES, type Activation, type Model, ShapeError, createModel, isLabelSmoothing, isLoss } from '@hsr/numeric';
import { InputError, describeValue as describe, fieldLocation } from './errors.ts';
import type { ModelNotes } from './modelFile.ts';
import { readModelFile } from './modelFile.ts';
import { type SafetensorsDocument, type TensorToWrite, readSafetensorsFile, writeSafetensorsFile } from './safetensors.ts';

/** Where a model came from, as `hsr bound` and `hsr grad` report it. */
export interface ModelSource {
  /** The file as the user named it. */
  readonly file: string;
  readonly format: 'json' | 'safetensors';
  /** How the weights were stored: JSON numbers are float64; safetensors say per tensor. */
  readonly storage: 'float64' | 'float32' | 'float32 and float64';
  /** True when float32 tensors were widened (exactly) to float64. */
  readonly widenedFromFloat32: boolean;
  readonly activation: Activation;
  /** The file (JSON "activation", safetensors `__metadata__.activation`) or the caller's option. */
  readonly activationFrom: 'file' | 'option';
  /** safetensors: which tensor became which parameter. */
  readonly tensors?: Readonly<Record<string, 'W' | 'b' | 'V' | 'a'>>;
}

export interface ModelReadOptions {
  /** The activation, when the file does not store one (or to confirm the one it stores). */
  activation?: string | undefined;
  /** How the caller spells that option in messages (default "--activation"). */
  activationOption?: string;
}

/** One of ACTIVATION_NAMES, matched case-insensitively (PyTorch's "SiLU", "GELU", "Tanh"). */
function activationName(name: string): Activation | undefined {
  return ACTIVATION_NAMES.find((a) => a === name.trim().toLowerCase());
}

const NETWORK = 'nn.Sequential(nn.Linear(d, h), activation, nn.Linear(h, c))';

interface Layer {
  prefix: string;
  weight: string;
  bias: string | undefined;
}

/** The two nn.Linear layers of the state_dict, first layer first. */
function linearLayers(doc: SafetensorsDocument, file: string): [Layer, Layer] {
  const fail = (field: string | null, reason: string): never => {
    throw new InputError(file, field === null ? null : fieldLocation(field), reason);
  };
  const groups = new Map<string, { weight?: string; bias?: string }>();
  for (const name of doc.tensors.keys()) {
    const m = /^(.+)\.(weight|bias)$/.exec(name);
    if (!m) fail(name, `unexpected tensor: expected only the .weight and .bias tensors of ${NETWORK}`);
    const group = groups.get(m![1]!) ?? {};
    group[m![2] as 'weight' | 'bias'] = name;
    groups.set(m![1]!, group);
  }
  const layers: Layer[] = [];
  for (const [prefix, g] of groups) {
    if (g.weight === undefined) fail(g.bias!, `has no ${prefix}.weight beside it (every nn.Linear has a weight)`);
    layers.push({ prefix, weight: g.weight!, bias: g.bias });
  }
  if (layers.length !== 2) {
    fail(null, `has ${layers.length} linear layer${layers.length === 1 ? '' : 's'} (${layers.map((l) => l.prefix).join(', ') || 'no tensors'}): hsr's network has one hidden layer, ${NETWORK}`);
  }
  for (const l of layers) {
    const w = doc.tensors.get(l.weight)!;
    if (w.shape.length !== 2 || w.shape[0]! < 1 || w.shape[1]! < 1) fail(l.weight, `has shape [${w.shape.join(', ')}], expected [out, in] with both >= 1 (an nn.Linear weight)`);
    if (l.bias !== undefined) {
      const b = doc.tensors.get(l.bias)!;
      if (b.shape.length !== 1 || b.shape[0] !== w.shape[0]) fail(l.bias, `has shape [${b.shape.join(', ')}], expected [${w.shape[0]}] (one per row of ${l.weight})`);
    }
  }
  const [p, q] = layers as [Layer, Layer];
  const rows = (l: Layer) => doc.tensors.get(l.weight)!.shape[0]!;
  const cols = (l: Layer) => doc.tensors.get(l.weight)!.shape[1]!;
  const index = (l: Layer) => /(\d+)$/.exec(l.prefix)?.[1];
  const ip = index(p);
  const iq = index(q);
  let ordered: [Layer, Layer];
  if (ip !== undefined && iq !== undefined && ip !== iq) ordered = Number(ip) < Number(iq) ? [p, q] : [q, p];
  else if ((cols(q) === rows(p)) !== (cols(p) === rows(q))) ordered = cols(q) === rows(p) ? [p, q] : [q, p];
  else return fail(null, `cannot tell which of ${p.prefix} and ${q.prefix} is the first layer: give them trailing indices (${NETWORK} names them 0 and 2)`);
  const [first, second] = ordered;
  if (cols(second) !== rows(first)) fail(second.weight, `has ${cols(second)} columns, expected h = ${rows(first)} (the rows of ${first.weight}): the layers do not chain`);
  if ((first.bias === undefined) !== (second.bias === undefined)) {
    const [has, lacks] = first.bias === undefined ? [second, first] : [first, second];
    fail(`${lacks.prefix}.bias`, `is missing while ${has.bias} is given (biases are on for both layers or for neither)`);
  }
  return ordered;
}

/** The model in a parsed safetensors document (see the module comment). Throws InputError. */
export function modelFromSafetensors(doc: SafetensorsDocument, file: string, options: ModelReadOptions = {}): { model: Model; source: ModelSource } {
  const option = options.activationOption ?? '--activation';
  const stored = doc.metadata.activation;
  const given = options.activation;
  const storedName = stored === undefined ? undefined : activationName(stored);
  const givenName = given === undefined ? undefined : activationName(given);
  if (stored !== undefined && storedName === undefined) throw new InputError(file, fieldLocation('__metadata__.activation'), `unknown activation ${describe(stored)} (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  if (given !== undefined && givenName === undefined) throw new InputError(file, null, `${option}: unknown activation ${describe(given)} (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  if (storedName !== undefined && givenName !== undefined && storedName !== givenName) {
    throw new InputError(file, fieldLocation('__metadata__.activation'), `is ${describe(stored)}, but ${option} says ${describe(given)}`);
  }
  const activation = storedName ?? givenName;
  if (activation === undefined) {
    throw new InputError(file, fieldLocation('__metadata__.activation'), `is missing: the weights do not say which activation sits between the layers; give ${option} (one of ${ACTIVATION_NAMES.join(', ')})`);
  }
  const [first, second] = linearLayers(doc, file);
  const tensor = (name: string) => doc.tensors.get(name)!;
  const matrix = (name: string): number[][] => {
    const t = tensor(name);
    const [r, c] = t.shape as [number, number];
    return Array.from({ length: r }, (_, i) => Array.from(t.data.subarray(i * c, (i + 1) * c)));
  };
  const vector = (name: string | undefined) => (name === undefined ? undefined : Array.from(tensor(name).data));
  const roles: Record<string, 'W' | 'b' | 'V' | 'a'> = { [first.weight]: 'W', [second.weight]: 'V' };
  if (first.bias !== undefined) roles[first.bias] = 'b';
  if (second.bias !== undefined) roles[second.bias] = 'a';
  // The loss hsr trained it with, when it wrote the file (`__metadata__.loss`, `.labelSmoothing`).
  const storedLoss = doc.metadata.loss;
  if (storedLoss !== undefined && !isLoss(storedLoss)) throw new InputError(file, fieldLocation('__metadata__.loss'), `unknown loss ${describe(storedLoss)} (expected one of ${LOSS_NAMES.join(', ')})`);
  const storedEps = doc.metadata.labelSmoothing === undefined ? undefined : Number(doc.metadata.labelSmoothing);
  if (storedEps !== undefined && !isLabelSmoothing(storedEps)) throw new InputError(file, fieldLocation('__metadata__.labelSmoothing'), `must be a number in (0, 1), got ${describe(doc.metadata.labelSmoothing)}`);
  let model: Model;
  try {
    model = createModel({ activation, loss: storedLoss, labelSmoothing: storedEps, W: matrix(first.weight), b: vector(first.bias), V: matrix(second.weight), a: vector(second.bias) });
  } catch (error) {
    if (error instanceof ShapeError) {
      const role = error.field.split('[')[0]!;
      const name = Object.keys(roles).find((k) => roles[k] === role) ?? error.field;
      throw new InputError(file, fieldLocation(name), error.message.slice(error.field.length + 2));
    }
    throw error;
  }
  const dtypes = new Set([...doc.tensors.values()].map((t) => t.dtype));
  const storage = dtypes.size === 2 ? 'float32 and float64' : dtypes.has('F32') ? 'float32' : 'float64';
  return {
    model,
    source: { file, format: 'safetensors', storage, widenedFromFloat32: dtypes.has('F32'), activation, activationFrom: storedName !== undefined ? 'file' : 'option', tensors: roles },
  };
}

/**
 * Read a model file: `.safetensors` by extension, anything else as model JSON. Throws
 * InputError (naming the file and the field or tensor); an `activation` option that
 * contradicts the file is one too.
 */
export function readModel(path: string, options: ModelReadOptions = {}): { model: Model; source: ModelSource } {
  if (/\.safetensors$/i.test(path)) return modelFromSafetensors(readSafetensorsFile(path), path, options);
  const model = readModelFile(path);
  if (options.activation !== undefined && activationName(options.activation) !== model.activation) {
    throw new InputError(path, fieldLocation('activation'), `is "${model.activation}", but ${options.activationOption ?? '--activation'} says ${describe(options.activation)}`);
  }
  return { model, source: { file: path, format: 'json', storage: 'float64', widenedFromFloat32: false, activation: model.activation, activationFrom: 'file' } };
}

/** A model as the state_dict of nn.Sequential(nn.Linear, activation, nn.Linear), float64, with its activation (and notes) in the metadata. */
export function modelToSafetensors(model: Model, notes: ModelNotes = {}): { tensors: TensorToWrite[]; metadata: Record<string, string> } {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const tensors: TensorToWrite[] = [{ name: '0.weight', shape: [h, d], data: model.W }];
  if (model.b) tensors.push({ name: '0.bias', shape: [h], data: model.b });
  tensors.push({ name: '2.weight', shape: [c, h], data: model.V });
  if (model.a) tensors.push({ name: '2.bias', shape: [c], data: model.a });
  // "format": "pt" is what safetensors.torch.save_file writes; some loaders look for it.
  const metadata: Record<string, string> = { format: 'pt', activation: model.activation };
  if (model.loss !== undefined) metadata.loss = model.loss;
  if (model.labelSmoothing !== undefined) metadata.labelSmoothing = String(model.labelSmoothing);
  if (notes.source !== undefined) metadata.source = notes.source;
  if (notes.about !== undefined) metadata.about = JSON.stringify(notes.about);
  return { tensors, metadata };
}

/** Write a model as a PyTorch-loadable safetensors file, atomically. */
export function writeModelSafetensors(path: string, model: Model, notes: ModelNotes = {}): void {
  const { tensors, metadata } = modelToSafetensors(model, notes);
  writeSafetensorsFile(path, tensors, metadata);
}
