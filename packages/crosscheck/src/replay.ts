/**
 * Running a named property under fast-check with a failure message worth reading: the
 * property, its tolerance and why, the shrunk case, its worst element, the seed, the path
 * and the exact command that replays it.
 *
 * Replay: a failure prints
 *
 *   HSR_REPLAY='<key>=<seed>:<path>' npx vitest run <test file> -t '^<test name>$'
 *
 * naming the vitest test that was running (its file and full name, read from vitest when the
 * caller does not say) and filing the seed and shrink path under the run's key (the property
 * name; `checkAgainstOracles` uses `<quantity>/<property>`). Under HSR_REPLAY a run whose key is
 * listed re-runs only that counterexample; a run whose key is not listed runs as it did the
 * first time, so replaying one failure never turns another property's result around. HSR_SEED
 * (prepended when the seed was drawn at random rather than passed in) fixes the seed of every
 * run without an entry, HSR_PATH forces one path on every run (for a file with one property),
 * HSR_RUNS sets the number of runs. `propertyParameters` plugs this into `test.prop` from
 * @fast-check/vitest; `runProperty` is the same outside vitest (checkAgainstOracles, audit).
 */
import { isAbsolute, relative } from 'node:path';
import fc from 'fast-check';
import { caseArbitrary } from './arbitraries.ts';
import type { CheckCase } from './cases.ts';
import type { Implementations } from './implementations.ts';
import type { PropertyOutcome } from './outcome.ts';
import type { NamedProperty, PropertyCase } from './properties.ts';
import { currentVitestTest } from './vitestContext.ts';

export interface ReplayOptions<I = Implementations> {
  /** Number of generated cases (HSR_RUNS overrides it). */
  numRuns?: number;
  /** Fixed seed (HSR_REPLAY, then HSR_SEED, override it); default a fresh random one. */
  seed?: number;
  /** Replay path (HSR_REPLAY, then HSR_PATH, override it). */
  path?: string;
  /** The test file for the replay command (default: the running vitest test's file). */
  file?: string;
  /** The test's full name for `-t` (default: the running vitest test's, else the property name). */
  test?: string;
  /** The name this run's seed and path are filed under in HSR_REPLAY (default: the property name). */
  key?: string;
  /** The implementation under test (default numeric's). */
  impl?: I;
  /** Where `seed` came from when a caller drew it for several runs (default 'caller'). */
  seedSource?: SeedSource;
}

/** One HSR_REPLAY entry: `key=seed` or `key=seed:path`. */
export interface ReplayEntry {
  key: string;
  seed: number;
  path?: string;
}

function envInteger(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const x = Number(v);
  if (!Number.isInteger(x)) throw new Error(`${name}=${v}: expected an integer`);
  return x;
}

/** The entries of HSR_REPLAY (`key=seed[:path]`, comma-separated), by key. */
export function parseReplay(text: string | undefined): Map<string, ReplayEntry> {
  const entries = new Map<string, ReplayEntry>();
  if (text === undefined || text.trim() === '') return entries;
  for (const item of text.split(',')) {
    const m = /^\s*([^=]+?)=(-?\d+)(?::([0-9:]+))?\s*$/.exec(item);
    if (!m) throw new Error(`HSR_REPLAY: "${item}" is not key=seed or key=seed:path`);
    const entry: ReplayEntry = { key: m[1]!, seed: Number(m[2]) };
    if (m[3] !== undefined) entry.path = m[3];
    entries.set(entry.key, entry);
  }
  return entries;
}

/** Where a run's seed came from: its HSR_REPLAY entry, HSR_SEED, the caller, or a fresh draw. */
export type SeedSource = 'replay' | 'environment' | 'caller' | 'random';

/** Seed, path and run count of the run filed under `key`, after the HSR_* environment overrides. */
export function replaySettings(opts: ReplayOptions<unknown> = {}, key = opts.key): { seed: number; path: string | undefined; numRuns: number; seedSource: SeedSource } {
  const numRuns = envInteger('HSR_RUNS') ?? opts.numRuns ?? 100;
  const entry = key === undefined ? undefined : parseReplay(process.env.HSR_REPLAY).get(key);
  if (entry) return { seed: entry.seed, path: entry.path, numRuns, seedSource: 'replay' };
  const fromEnv = envInteger('HSR_SEED');
  const seed = fromEnv ?? opts.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const seedSource: SeedSource = fromEnv !== undefined ? 'environment' : opts.seed !== undefined ? (opts.seedSource ?? 'caller') : 'random';
  return { seed, path: process.env.HSR_PATH || opts.path, numRuns, seedSource };
}

/** A word for a POSIX shell, single-quoted when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where to re-run: a vitest test (file and full name), or a plain script. */
export interface ReplayTarget {
  file?: string | undefined;
  test?: string | undefined;
}

/** The running vitest test, unless the caller named the file or the test. */
export function replayTarget(opts: ReplayTarget = {}): ReplayTarget {
  const here = currentVitestTest();
  return { file: opts.file ?? here?.file, test: opts.test ?? here?.names.join(' ') };
}

/**
 * The shell command that replays `entries`: HSR_SEED when the shared seed was not the
 * caller's, HSR_REPLAY with each entry, then `npx vitest run FILE -t '^NAME$'` (anchored, so
 * only that test runs), or outside vitest the node command line that ran the script.
 */
export function replayCommand(entries: readonly ReplayEntry[], target: ReplayTarget = {}, sharedSeed?: number): string {
  const env: string[] = [];
  if (sharedSeed !== undefined) env.push(`HSR_SEED=${sharedSeed}`);
  env.push(`HSR_REPLAY='${entries.map((e) => `${e.key}=${e.seed}${e.path ? `:${e.path}` : ''}`).join(',')}'`);
  const where = (file: string) => (isAbsolute(file) ? relative(process.cwd(), file) || file : file);
  let run: string;
  if (target.file !== undefined) run = `npx vitest run ${shellQuote(where(target.file))}${target.test ? ` -t ${shellQuote(`^${escapeRegExp(target.test)}$`)}` : ''}`;
  else if (process.argv[1] !== undefined) run = ['node', ...process.execArgv, where(process.argv[1]), ...process.argv.slice(2)].map(shellQuote).join(' ');
  else run = '<the command that ran it>';
  return `${env.join(' ')} ${run}`;
}

/** A property as a fast-check predicate: inapplicable cases are preconditions, not passes. */
export function predicate<C extends PropertyCase = CheckCase, I = Implementations>(property: NamedProperty<C, I>, impl?: I): (c: C) => boolean {
  return (c) => {
    const o = property.check(c, impl);
    if (o.skipped !== undefined) fc.pre(false);
    return o.ok;
  };
}

/** What a failure message says about where and how to replay it. */
export interface FailureContext extends ReplayTarget {
  /** The HSR_REPLAY key (default the property name). */
  key?: string | undefined;
  /** Where the run's seed came from; HSR_SEED is printed unless it was the caller's. */
  seedSource?: SeedSource;
}

/** The full failure text for a finished run. */
export function failureMessage<C extends PropertyCase = CheckCase, I = Implementations>(property: NamedProperty<C, I>, details: fc.RunDetails<[C]>, impl: I | undefined, context: FailureContext = {}): string {
  const c = details.counterexample?.[0];
  let found: PropertyOutcome | undefined;
  let thrown: string | undefined;
  if (c) {
    try {
      found = property.check(c, impl);
    } catch (err) {
      thrown = (err as Error)?.stack ?? String(err);
    }
  }
  const t = property.tolerance;
  const lines = [
    `property "${property.name}" failed: ${property.description}`,
    `  tolerance: rtol ${t.rtol}${t.atol !== undefined ? `, atol ${t.atol}` : ''} (${t.why})`,
    `  case (after ${details.numShrinks} shrinks, run ${details.numRuns}): ${c?.label ?? '(none)'}`,
  ];
  if (found) for (const p of found.parts.filter((q) => !q.ok)) lines.push(`  worst ${p.quantity} vs ${p.leg}: ${p.worst}`);
  if (thrown) lines.push(`  threw: ${thrown.split('\n').slice(0, 3).join(' | ')}`);
  else if (details.errorInstance && !found?.parts.some((p) => !p.ok)) lines.push(`  error: ${String((details.errorInstance as Error).message ?? details.errorInstance).split('\n')[0]}`);
  if (c?.spec) lines.push(`  spec: ${JSON.stringify(c.spec)}`);
  lines.push(`  seed ${details.seed}, path "${details.counterexamplePath ?? ''}"`);
  const entry: ReplayEntry = { key: context.key ?? property.name, seed: details.seed };
  if (details.counterexamplePath) entry.path = details.counterexamplePath;
  // A test file without a known test name is one written like test.prop(...)(property.name, ...).
  const target = replayTarget({ file: context.file, test: context.test });
  if (target.file !== undefined) target.test ??= property.name;
  const shared = context.seedSource === 'random' || context.seedSource === 'environment' ? details.seed : undefined;
  lines.push(`  replay: ${replayCommand([entry], target, shared)}`);
  return lines.join('\n');
}

/**
 * fast-check parameters for `test.prop([caseArbitrary()], propertyParameters(p))`: seed, path
 * and runs from the environment, and a reporter that throws `failureMessage` (naming the
 * running test, so its replay line runs exactly that test).
 */
export function propertyParameters<C extends PropertyCase = CheckCase, I = Implementations>(property: NamedProperty<C, I>, opts: ReplayOptions<I> = {}): fc.Parameters<[C]> {
  const key = opts.key ?? property.name;
  const { seed, path, numRuns, seedSource } = replaySettings(opts, key);
  const impl = opts.impl;
  const params: fc.Parameters<[C]> = {
    seed,
    numRuns,
    reporter: (details) => {
      if (details.failed) throw new Error(failureMessage(property, details, impl, { file: opts.file, test: opts.test, key, seedSource }));
    },
  };
  if (path !== undefined) params.path = path;
  return params;
}

export interface PropertyRun<C extends PropertyCase = CheckCase> {
  property: string;
  /** The HSR_REPLAY key the run is filed under. */
  key: string;
  ok: boolean;
  seed: number;
  /** Where the seed came from (HSR_REPLAY entry, HSR_SEED, the caller, a fresh draw). */
  seedSource: SeedSource;
  numRuns: number;
  /** Runs skipped because the property did not apply (fast-check preconditions). */
  skipped: number;
  numShrinks: number;
  path?: string;
  /** The shrunk counterexample, when it failed. */
  counterexample?: C;
  /** The counterexample's outcome (worst elements), when it failed without throwing. */
  outcome?: PropertyOutcome;
  /** failureMessage(...) when it failed. */
  message?: string;
}

/** Run one property over generated cases without vitest; never throws on failure. */
export function runProperty<C extends PropertyCase = CheckCase, I = Implementations>(property: NamedProperty<C, I>, opts: ReplayOptions<I> & { arbitrary?: fc.Arbitrary<C> } = {}): PropertyRun<C> {
  const key = opts.key ?? property.name;
  const { seed, path, numRuns, seedSource } = replaySettings(opts, key);
  const impl = opts.impl;
  const params: fc.Parameters<[C]> = { seed, numRuns };
  if (path !== undefined) params.path = path;
  // Without an arbitrary the cases are two-layer ones, which only a two-layer property (C = CheckCase) takes.
  const arbitrary = opts.arbitrary ?? (caseArbitrary() as unknown as fc.Arbitrary<C>);
  const details = fc.check(fc.property(arbitrary, predicate(property, impl)), params);
  const run: PropertyRun<C> = { property: property.name, key, ok: !details.failed, seed, seedSource, numRuns: details.numRuns, skipped: details.numSkips, numShrinks: details.numShrinks };
  if (details.failed) {
    const c = details.counterexample?.[0];
    if (details.counterexamplePath) run.path = details.counterexamplePath;
    if (c) {
      run.counterexample = c;
      try {
        run.outcome = property.check(c, impl);
      } catch {
        // The message below carries what it threw.
      }
    }
    run.message = failureMessage(property, details, impl, { file: opts.file, test: opts.test, key, seedSource });
  }
  return run;
}
