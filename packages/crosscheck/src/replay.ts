/**
 * Running a named property under fast-check with a failure message worth reading: the
 * property, its tolerance and why, the shrunk case, its worst element, the seed, the path
 * and the exact command that replays it.
 *
 * Replay: every run takes its seed from HSR_SEED when set (else a fresh one, which is
 * printed), its path from HSR_PATH (fast-check then re-runs only the shrunk counterexample)
 * and its number of runs from HSR_RUNS. So
 *
 *   HSR_SEED=<seed> HSR_PATH=<path> pnpm test <file> -t '<property name>'
 *
 * re-runs exactly the failing case. `propertyParameters` plugs this into `test.prop` from
 * @fast-check/vitest; `runProperty` is the same outside vitest (checkAgainstOracles, audit).
 */
import fc from 'fast-check';
import { caseArbitrary } from './arbitraries.ts';
import type { CheckCase } from './cases.ts';
import { NUMERIC_IMPLEMENTATIONS, type Implementations } from './implementations.ts';
import type { PropertyOutcome } from './outcome.ts';
import type { NamedProperty } from './properties.ts';

export interface ReplayOptions {
  /** Number of generated cases (HSR_RUNS overrides it). */
  numRuns?: number;
  /** Fixed seed (HSR_SEED overrides it); default a fresh random one. */
  seed?: number;
  /** Replay path (HSR_PATH overrides it). */
  path?: string;
  /** The test file, for the replay command (relative to the repository root). */
  file?: string;
  /** The implementation under test (default numeric's). */
  impl?: Implementations;
}

function envInteger(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const x = Number(v);
  if (!Number.isInteger(x)) throw new Error(`${name}=${v}: expected an integer`);
  return x;
}

/** Seed, path and run count after the HSR_* environment overrides. */
export function replaySettings(opts: ReplayOptions = {}): { seed: number; path: string | undefined; numRuns: number } {
  const seed = envInteger('HSR_SEED') ?? opts.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const path = process.env.HSR_PATH || opts.path;
  const numRuns = envInteger('HSR_RUNS') ?? opts.numRuns ?? 100;
  return { seed, path, numRuns };
}

/** The shell command that replays one counterexample. */
export function replayCommand(propertyName: string, seed: number, path: string | undefined, file?: string): string {
  const where = file ?? '<test file>';
  return `HSR_SEED=${seed}${path ? ` HSR_PATH='${path}'` : ''} pnpm test ${where} -t '${propertyName}'`;
}

/** A property as a fast-check predicate: inapplicable cases are preconditions, not passes. */
export function predicate(property: NamedProperty, impl: Implementations = NUMERIC_IMPLEMENTATIONS): (c: CheckCase) => boolean {
  return (c) => {
    const o = property.check(c, impl);
    if (o.skipped !== undefined) fc.pre(false);
    return o.ok;
  };
}

/** The full failure text for a finished run. */
export function failureMessage(property: NamedProperty, details: fc.RunDetails<[CheckCase]>, impl: Implementations, file?: string): string {
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
  lines.push(`  replay: ${replayCommand(property.name, details.seed, details.counterexamplePath ?? undefined, file)}`);
  return lines.join('\n');
}

/**
 * fast-check parameters for `test.prop([caseArbitrary()], propertyParameters(p, { file }))`:
 * seed/path/runs from the environment, and a reporter that throws `failureMessage`.
 */
export function propertyParameters(property: NamedProperty, opts: ReplayOptions = {}): fc.Parameters<[CheckCase]> {
  const { seed, path, numRuns } = replaySettings(opts);
  const impl = opts.impl ?? NUMERIC_IMPLEMENTATIONS;
  const params: fc.Parameters<[CheckCase]> = {
    seed,
    numRuns,
    reporter: (details) => {
      if (details.failed) throw new Error(failureMessage(property, details, impl, opts.file));
    },
  };
  if (path !== undefined) params.path = path;
  return params;
}

export interface PropertyRun {
  property: string;
  ok: boolean;
  seed: number;
  numRuns: number;
  /** Runs skipped because the property did not apply (fast-check preconditions). */
  skipped: number;
  numShrinks: number;
  path?: string;
  /** The shrunk counterexample, when it failed. */
  counterexample?: CheckCase;
  /** The counterexample's outcome (worst elements), when it failed without throwing. */
  outcome?: PropertyOutcome;
  /** failureMessage(...) when it failed. */
  message?: string;
}

/** Run one property over generated cases without vitest; never throws on failure. */
export function runProperty(property: NamedProperty, opts: ReplayOptions & { arbitrary?: fc.Arbitrary<CheckCase> } = {}): PropertyRun {
  const { seed, path, numRuns } = replaySettings(opts);
  const impl = opts.impl ?? NUMERIC_IMPLEMENTATIONS;
  const params: fc.Parameters<[CheckCase]> = { seed, numRuns };
  if (path !== undefined) params.path = path;
  const details = fc.check(fc.property(opts.arbitrary ?? caseArbitrary(), predicate(property, impl)), params);
  const run: PropertyRun = { property: property.name, ok: !details.failed, seed, numRuns: details.numRuns, skipped: details.numSkips, numShrinks: details.numShrinks };
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
    run.message = failureMessage(property, details, impl, opts.file);
  }
  return run;
}
