/**
 * The verification record: what the sweep checked, per registry entry and per comparison
 * (quantity and leg), on which shapes, with the worst error and the tolerance it was judged by.
 * `hsr docs --sweep` writes it to docs/verification.json and the docs render it under each entry;
 * it holds no timings, so the docs stay a pure function of the committed files.
 *
 * Judging is not done here: the tolerances live in @hsr/crosscheck (formulaSweep.ts), which
 * passes a `judge` to `buildRecord`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { LOSS_NAMES } from '@hsr/numeric';
import { caseBlock, caseParameters, caseWidths, type SweepCase } from './cases.ts';
import type { CaseResult, LegKind, Measurement } from './run.ts';

export interface Judgement {
  readonly pass: boolean;
  /**
   * The magnitude below which the tolerance is absolute (atol / rtol): errors are reported
   * relative to max(|reference|, this), so a reference that is zero by cancellation (the
   * gradient of U where U is identically 0) does not show as a huge relative error.
   */
  readonly scaleFloor: number;
  /** Largest error over the allowed error (<= 1 passes). */
  readonly ratio: number;
  /** The tolerance's name and value, for the docs. */
  readonly tolerance: string;
}

export type Judge = (m: Measurement) => Judgement;

/** The shapes a comparison ran on: the distinct values of each factor. */
export interface Coverage {
  readonly activation: readonly string[];
  readonly d: readonly number[];
  readonly h: readonly number[];
  readonly c: readonly number[];
  readonly N: readonly number[];
  readonly bias: readonly boolean[];
  readonly reduction: readonly string[];
  readonly block: readonly string[];
  readonly curvature: readonly string[];
  /** The losses on the logits (absent in a record written before the loss table had rows of its own). */
  readonly loss?: readonly string[];
  /** Largest parameter count. */
  readonly maxP: number;
  /** The depths L of the networks, when a case of depth 3 or more is among them (absent: all of depth 2). */
  readonly depth?: readonly number[];
}

export interface ComparisonRecord {
  readonly quantity: string;
  readonly leg: string;
  readonly kind: LegKind;
  readonly cases: number;
  readonly coverage: Coverage;
  /** Largest |difference| / max(|reference|, atol / rtol) over the cases: relative, with the tolerance's absolute floor. */
  readonly worstRelativeError: number;
  readonly worstRatio: number;
  readonly tolerance: string;
  readonly pass: boolean;
  /** The case of the worst ratio (replay: `hsr docs --sweep --case NAME`). */
  readonly worstCase: string;
}

export interface SkipRecord {
  readonly leg: string;
  readonly cases: number;
  readonly reasons: readonly string[];
}

export interface EntryRecord {
  readonly entry: string;
  readonly comparisons: readonly ComparisonRecord[];
  readonly skipped: readonly SkipRecord[];
}

export interface VerificationRecord {
  readonly generatedBy: string;
  /** Number of cases of the sweep. */
  readonly cases: number;
  /** Number of measurements over all cases (each row of an entry aggregates several). */
  readonly measurements: number;
  readonly pass: boolean;
  readonly entries: readonly EntryRecord[];
}

function sortedUnique<T extends string | number | boolean>(xs: Iterable<T>): T[] {
  return [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function coverageOf(cases: readonly SweepCase[]): Coverage {
  return {
    activation: sortedUnique(cases.map((c) => c.activation)),
    d: sortedUnique(cases.map((c) => c.inputDim)),
    h: sortedUnique(cases.map((c) => c.hiddenDim)),
    c: sortedUnique(cases.map((c) => c.classes)),
    N: sortedUnique(cases.map((c) => c.samples)),
    bias: sortedUnique(cases.map((c) => c.bias)),
    reduction: sortedUnique(cases.map((c) => c.reduction)),
    block: sortedUnique(cases.map(caseBlock)),
    curvature: sortedUnique(cases.map((c) => c.curvature)),
    loss: sortedUnique(cases.map((c) => c.loss ?? 'cross-entropy')),
    maxP: Math.max(...cases.map(caseParameters)),
    ...(cases.some((c) => c.hidden) ? { depth: sortedUnique(cases.map((c) => caseWidths(c).length - 1)) } : {}),
  };
}

/** Aggregate case results into the record, judging every measurement. */
export function buildRecord(results: readonly CaseResult[], judge: Judge, generatedBy: string, entryOrder: readonly string[]): VerificationRecord {
  const byEntry = new Map<string, Map<string, { quantity: string; leg: string; kind: LegKind; cases: SweepCase[]; rel: number; ratio: number; tolerance: string; pass: boolean; worstCase: string }>>();
  const skips = new Map<string, Map<string, { cases: Set<string>; reasons: Set<string> }>>();
  for (const r of results) {
    for (const m of r.measurements) {
      const j = judge(m);
      const key = `${m.quantity}\u0000${m.leg}`;
      const entry = byEntry.get(m.entry) ?? new Map();
      byEntry.set(m.entry, entry);
      const rel = m.maxAbsError / Math.max(m.scale, j.scaleFloor, 1e-300);
      const row = entry.get(key) ?? { quantity: m.quantity, leg: m.leg, kind: m.kind, cases: [], rel: 0, ratio: -1, tolerance: j.tolerance, pass: true, worstCase: r.name };
      if (!row.cases.includes(r.case)) row.cases.push(r.case);
      row.rel = Math.max(row.rel, Number.isFinite(rel) ? rel : Infinity);
      if (j.ratio > row.ratio || Number.isNaN(j.ratio)) {
        row.ratio = Number.isNaN(j.ratio) ? Infinity : j.ratio;
        row.worstCase = r.name;
      }
      row.pass &&= j.pass;
      entry.set(key, row);
    }
    for (const s of r.skips) {
      const entry = skips.get(s.entry) ?? new Map();
      skips.set(s.entry, entry);
      const row = entry.get(s.leg) ?? { cases: new Set<string>(), reasons: new Set<string>() };
      row.cases.add(r.name);
      row.reasons.add(s.reason);
      entry.set(s.leg, row);
    }
  }
  const order = (id: string) => {
    const at = entryOrder.indexOf(id);
    return at < 0 ? entryOrder.length : at;
  };
  const ids = sortedUnique([...byEntry.keys(), ...skips.keys()]).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  const entries: EntryRecord[] = ids.map((entry) => ({
    entry,
    comparisons: [...(byEntry.get(entry)?.values() ?? [])]
      .sort((a, b) => (a.quantity === b.quantity ? (a.leg < b.leg ? -1 : 1) : a.quantity < b.quantity ? -1 : 1))
      .map((r) => ({
        quantity: r.quantity,
        leg: r.leg,
        kind: r.kind,
        cases: r.cases.length,
        coverage: coverageOf(r.cases),
        worstRelativeError: r.rel,
        worstRatio: r.ratio,
        tolerance: r.tolerance,
        pass: r.pass,
        worstCase: r.worstCase,
      })),
    skipped: [...(skips.get(entry)?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)).map(([leg, s]) => ({ leg, cases: s.cases.size, reasons: [...s.reasons].sort() })),
  }));
  return { generatedBy, cases: results.length, measurements: results.reduce((s, r) => s + r.measurements.length, 0), pass: entries.every((e) => e.comparisons.every((c) => c.pass)), entries };
}

/** JSON with numbers written so that the file is stable: errors to three significant digits. */
export function serializeRecord(record: VerificationRecord): string {
  return `${JSON.stringify(record, (key, value) => (typeof value === 'number' && (key === 'worstRelativeError' || key === 'worstRatio') ? Number(value.toPrecision(3)) : value), 2)}\n`;
}

/** Read docs/verification.json if present (null if absent); throws on a malformed file. */
export function readRecord(path: string): VerificationRecord | null {
  if (!existsSync(path)) return null;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<VerificationRecord>;
  if (typeof raw !== 'object' || raw === null || typeof raw.generatedBy !== 'string' || !Array.isArray(raw.entries) || typeof raw.cases !== 'number')
    throw new Error(`${path}: expected {"generatedBy", "cases", "pass", "entries": [...]}`);
  return raw as VerificationRecord;
}

const range = (xs: readonly number[]) => (xs.length === 0 ? '' : xs.length === 1 ? String(xs[0]) : xs.every((x, i) => i === 0 || x === xs[i - 1]! + 1) ? `${xs[0]}–${xs[xs.length - 1]}` : xs.join(', '));
const list = (xs: readonly string[], all: readonly string[], word: string) => (xs.length === all.length ? `all ${word}` : xs.join('/'));

/** The shapes of a comparison in words, e.g. "h 1–4, c 2–5, d 1–3, N 1–4, biases on/off, ...". */
export function describeCoverage(c: Coverage): string {
  const parts = [
    ...(c.depth ? [`L ${range(c.depth)}`, `first hidden width ${range(c.h)}`] : [`h ${range(c.h)}`]),
    `c ${range(c.c)}`,
    `d ${range(c.d)}`,
    `N ${range(c.N)}`,
    c.bias.length === 2 ? 'biases on/off' : c.bias[0] ? 'biases on' : 'biases off',
    c.reduction.join('/'),
    c.depth ? `layers ${c.block.join(', ')}` : c.block.length === 3 ? 'all three blocks' : `block ${c.block.join('/')}`,
    c.curvature.map((x) => (x === 'hessian' ? 'Hessian' : 'Gauss–Newton')).join('/'),
    list(c.activation, ['gelu', 'sigmoid', 'silu', 'softplus', 'tanh'], 'activations'),
    ...(c.loss ? [list(c.loss, LOSS_NAMES, 'losses')] : []),
    `P ≤ ${c.maxP}`,
  ];
  return parts.join(', ');
}
