/**
 * The partial-sum file of `hsr bound|grad --shard I/K`: numeric's TracePartial as JSON (numbers
 * in shortest round-trip form, so the exact-sum components parse back to the same doubles),
 * plus the CLI's `provenance` of the shard's run. Read strictly: every field `hsr reduce`
 * relies on is checked here, so a malformed or foreign file is one InputError naming the file
 * and the field, before anything is merged. Written atomically (a killed shard leaves no file).
 */
import { LOSS_NAMES, PARTIAL_FORMAT, PARTIAL_VERSION, isLoss, type TracePartial } from '@hsr/numeric';
import { writeFileAtomic } from './atomicWrite.ts';
import { InputError, fieldLocation } from './errors.ts';
import { parseJsonText } from './json.ts';
import { readText } from './textFile.ts';

/** A partial as read back: numeric's fields and whatever provenance the writer attached. */
export type PartialDocument = TracePartial & { readonly provenance?: unknown };

/** A partial from its JSON text; `fileLabel` names the file in messages. */
export function parsePartialJson(text: string, fileLabel: string): PartialDocument {
  const value = parseJsonText(text, fileLabel);
  const fail = (field: string, reason: string): never => {
    throw new InputError(fileLabel, fieldLocation(field), reason);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { format?: unknown }).format !== PARTIAL_FORMAT) {
    fail('format', `not an hsr partial (expected "${PARTIAL_FORMAT}", written by hsr bound|grad --shard I/K)`);
  }
  const o = value as Record<string, unknown>;
  if (o.version !== PARTIAL_VERSION) fail('version', `${JSON.stringify(o.version)} is not supported (expected ${PARTIAL_VERSION})`);
  if (o.kind !== 'traces' && o.kind !== 'gradients') fail('kind', 'expected "traces" or "gradients"');
  const shard = o.shard as { index?: unknown; count?: unknown } | undefined;
  if (!shard || !Number.isInteger(shard.index) || !Number.isInteger(shard.count) || (shard.index as number) < 1 || (shard.index as number) > (shard.count as number)) {
    fail('shard', 'expected {"index": I, "count": K} with 1 <= I <= K');
  }
  const numbers = (field: string, x: unknown) => {
    if (!Array.isArray(x) || !x.every((v) => typeof v === 'number' && Number.isFinite(v))) fail(field, 'expected an array of finite numbers');
  };
  const rows = o.rows as unknown[];
  numbers('rows', rows);
  if (rows.length !== 2 || !rows.every(Number.isInteger)) fail('rows', 'expected [start, end], two integers');
  numbers('traceH', o.traceH);
  numbers('traceH2', o.traceH2);
  if (typeof o.kappa !== 'number' || !(o.kappa > 0) || !Number.isFinite(o.kappa)) fail('kappa', 'expected a positive number');
  const problem = o.problem as Record<string, unknown> | undefined;
  if (!problem || typeof problem.fingerprint !== 'string' || !Number.isInteger(problem.parameters) || !Number.isInteger(problem.samples)) fail('problem', 'missing or malformed');
  if (typeof problem!.loss !== 'string' || !isLoss(problem!.loss)) fail('problem.loss', `expected one of ${LOSS_NAMES.join(', ')}`);
  if (problem!.labelSmoothing !== null && typeof problem!.labelSmoothing !== 'number') fail('problem.labelSmoothing', 'expected a number or null');
  if (o.kind === 'gradients') {
    numbers('gradTraceH', o.gradTraceH);
    numbers('gradTraceH2', o.gradTraceH2);
  }
  return value as PartialDocument;
}

/** Read and check one partial file. */
export function readPartialFile(path: string): PartialDocument {
  return parsePartialJson(readText(path), path);
}

/** Write a partial (with the run's provenance) atomically. */
export function writePartialFile(path: string, partial: TracePartial, provenance: unknown): void {
  writeFileAtomic(path, formatPartial(partial, provenance));
}

/** The file's text: one line of JSON. */
export function formatPartial(partial: TracePartial, provenance: unknown): string {
  return `${JSON.stringify({ ...partial, provenance })}\n`;
}
