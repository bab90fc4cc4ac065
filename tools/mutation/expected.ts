/**
 * Every mutant Stryker makes of a file, from its own instrumenter (the code `pnpm mutation` runs
 * to place them), in the committed records' form. `pnpm mutation:score` matches them against
 * the records, so a mutant that no run tested is reported and counted, not silently missing:
 * a union of line-range runs misses a mutant that spans two ranges (a removed function body
 * whose first line is in one range and last in the next), and no range run says so.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { type MadeMutant, type MadeMutants, ROOT, mutantOf, sha256 } from './results.ts';

/** Stryker's logger interface; the instrumenter only reports parse trouble through it. */
const quiet = { isTraceEnabled: () => false, isDebugEnabled: () => false, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/** The mutants Stryker makes of one source text (named `name`, for its parser's choice by extension). */
export async function mutantsOfText(name: string, content: string): Promise<MadeMutant[]> {
  // biome-ignore lint/suspicious/noExplicitAny: the instrumenter's Logger type is log4js's, not re-exported.
  const instrumenter = new Instrumenter(quiet as any);
  const result = await instrumenter.instrument([{ name, content, mutate: true }], { plugins: null, excludedMutations: [], ignorers: [], noHeader: false });
  const lines = content.split('\n');
  // The instrumenter counts lines and columns from 0; the report (and the records) from 1.
  const at = (p: { line: number; column: number }) => ({ line: p.line + 1, column: p.column + 1 });
  return result.mutants.map((m) => mutantOf(lines, { start: at(m.location.start), end: at(m.location.end) }, m.mutatorName, m.replacement));
}

/**
 * The mutants of each file (paths relative to the repository root) and the SHA-256 of the text
 * they were made from, with Stryker's defaults as run.ts uses them (every mutator, no ignorers).
 */
export async function strykerMutants(files: readonly string[]): Promise<Map<string, MadeMutants>> {
  const out = new Map<string, MadeMutants>();
  for (const file of files) {
    const content = readFileSync(path.join(ROOT, file), 'utf8');
    out.set(file, { sourceSha256: sha256(content), mutants: await mutantsOfText(file, content) });
  }
  return out;
}
