/**
 * What `hsr train --resume DIR` continues from: DIR/config.json (the run's plan), model.json
 * (the parameters: the aborted model a stop writes, or the final one; the layered model file
 * for a --hidden list), training-state.json (the
 * optimizer state and step counts at those parameters, written beside model.json by every run
 * that did not diverge) and metrics.jsonl (the records kept: epoch 0 and every
 * --metrics-every epoch completed, i.e. those an uninterrupted run also has). Every number
 * goes through JSON's shortest round trip, which is exact in float64, so the resumed run
 * continues bit for bit.
 *
 * A folder that is not such a run gets one InputError naming the file and field (exit 2).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { flattenLayered, flattenParameters, type MetricsRecord, type OptimizerState, OPTIMIZER_NAMES, type TrainingCheckpoint, type TrainingResult } from '@hsr/numeric';
import { InputError, parseJsonText, readLayeredModel, readModelFile, readText } from '@hsr/io';
import { UsageError } from '../errors.ts';
import type { TrainPlan } from '../commands/train.ts';

export const STATE_FORMAT = 'hsr-training-state';
export const STATE_VERSION = 1;

export interface ResumePoint {
  plan: TrainPlan;
  checkpoint: TrainingCheckpoint;
  /** The status of the run resumed ("aborted" or "completed"). */
  status: string;
  /** The records kept, with their exact line text. */
  records: { line: string; record: MetricsRecord }[];
  modelFile: string;
}

/** training-state.json for a run's result. */
export function stateDocument(result: TrainingResult<unknown>): string {
  const o = result.checkpoint.optimizer;
  return `${JSON.stringify({
    format: STATE_FORMAT,
    version: STATE_VERSION,
    status: result.status,
    epochsCompleted: result.checkpoint.epochsCompleted,
    steps: result.checkpoint.steps,
    regulariserSkipped: result.checkpoint.regulariserSkipped,
    optimizer: { name: o.name, t: o.t, ...(o.m ? { m: Array.from(o.m) } : {}), ...(o.v ? { v: Array.from(o.v) } : {}) },
  })}\n`;
}

type Json = Record<string, unknown>;

function field(doc: Json, file: string, name: string): unknown {
  if (!(name in doc)) throw new InputError(file, { kind: 'field', field: name }, 'missing');
  return doc[name];
}

function count(doc: Json, file: string, name: string): number {
  const v = field(doc, file, name);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InputError(file, { kind: 'field', field: name }, `expected an integer >= 0, got ${JSON.stringify(v)}`);
  return v;
}

function vector(doc: Json, file: string, name: string): Float64Array {
  const v = field(doc, file, name);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new InputError(file, { kind: 'field', field: name }, 'expected an array of finite numbers');
  return Float64Array.from(v as number[]);
}

function object(text: string, file: string): Json {
  const doc = parseJsonText(text, file);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(file, null, 'expected a JSON object');
  return doc as Json;
}

/** Read and check the run in `dir` (UsageError when it is not a run folder at all). */
export function readResume(dir: string): ResumePoint {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--resume ${dir}: not a folder`);
  const configFile = join(dir, 'config.json');
  const stateFile = join(dir, 'training-state.json');
  const modelFile = join(dir, 'model.json');
  const metricsFile = join(dir, 'metrics.jsonl');
  for (const f of [configFile, modelFile, metricsFile]) if (!existsSync(f)) throw new UsageError(`--resume ${dir}: not a training run (no ${f.slice(dir.length + 1)})`);
  if (!existsSync(stateFile)) throw new UsageError(`--resume ${dir}: no training-state.json (a diverged run, or one written by an older hsr, cannot be continued)`);

  const config = object(readText(configFile), configFile);
  const plan = field(config, configFile, 'plan') as TrainPlan;
  if (plan === null || typeof plan !== 'object' || typeof plan.config !== 'object' || !Array.isArray(plan.commands))
    throw new InputError(configFile, { kind: 'field', field: 'plan' }, 'expected the plan hsr train writes');

  const state = object(readText(stateFile), stateFile);
  if (field(state, stateFile, 'format') !== STATE_FORMAT) throw new InputError(stateFile, { kind: 'field', field: 'format' }, `expected "${STATE_FORMAT}"`);
  if (field(state, stateFile, 'version') !== STATE_VERSION) throw new InputError(stateFile, { kind: 'field', field: 'version' }, `expected ${STATE_VERSION}`);
  const status = field(state, stateFile, 'status');
  if (status !== 'aborted' && status !== 'completed') throw new InputError(stateFile, { kind: 'field', field: 'status' }, `a run that ${String(status)} cannot be continued`);
  const opt = field(state, stateFile, 'optimizer') as Json;
  if (opt === null || typeof opt !== 'object') throw new InputError(stateFile, { kind: 'field', field: 'optimizer' }, 'expected an object');
  const name = opt.name as OptimizerState['name'];
  if (!OPTIMIZER_NAMES.includes(name) || name !== plan.config.optimizer)
    throw new InputError(stateFile, { kind: 'field', field: 'optimizer.name' }, `expected "${plan.config.optimizer}" (config.json), got ${JSON.stringify(opt.name)}`);
  const optimizer: OptimizerState = {
    name,
    t: count(opt, stateFile, 't'),
    ...(name === 'sgd' ? {} : { m: vector(opt, stateFile, 'm') }),
    ...(name === 'adam' ? { v: vector(opt, stateFile, 'v') } : {}),
  };
  const epochsCompleted = count(state, stateFile, 'epochsCompleted');
  const steps = count(state, stateFile, 'steps');
  const regulariserSkipped = count(state, stateFile, 'regulariserSkipped');

  // A layered run (--hidden list) wrote the layered model file; the three-layer one W, b, V, a.
  const theta = Array.isArray(plan.hidden) ? flattenLayered(readLayeredModel(modelFile)) : flattenParameters(readModelFile(modelFile));
  const about = (object(readText(modelFile), modelFile).about ?? {}) as Json;
  if (about.steps !== steps) throw new InputError(modelFile, { kind: 'field', field: 'about.steps' }, `expected ${steps} (training-state.json), got ${JSON.stringify(about.steps)}: the files are from different runs`);

  const every = plan.config.metricsEvery;
  const records = readText(metricsFile)
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      let record: MetricsRecord;
      try {
        record = JSON.parse(line) as MetricsRecord;
      } catch {
        throw new InputError(metricsFile, { kind: 'cell', row: i + 1 }, 'not a JSON record');
      }
      if (typeof record?.epoch !== 'number') throw new InputError(metricsFile, { kind: 'cell', row: i + 1 }, 'no "epoch"');
      return { line, record };
    })
    .filter(({ record }) => record.epoch <= epochsCompleted && (record.epoch === 0 || record.epoch % every === 0));
  return { plan, checkpoint: { theta, optimizer, steps, epochsCompleted, regulariserSkipped }, status, records, modelFile };
}
