/**
 * `pnpm mutation:score [--write-docs]`: the mutation score per module from the committed run
 * records (tools/mutation/results/*.json, written by `pnpm mutation`, applied oldest first so
 * the newest result of each mutant wins), with the equivalent mutants of
 * tools/mutation/equivalents/*.json excluded.
 *
 *   score = detected / (detected + survived + no coverage + in no record - equivalent)
 *
 * detected = killed + timeout; compile and runtime errors are not mutants that ran (Stryker
 * excludes them too). An equivalent entry names its file, mutator, line, the original text and
 * the replacement; one that matches no surviving mutant is stale and is reported, not silently
 * dropped (a killed "equivalent" was not equivalent). "In no record": a mutant Stryker's own
 * instrumenter makes of the module's current source (expected.ts) that no record holds, such
 * as a removed block that spans two runs' line ranges; it is listed with its place, so that a
 * score made of many range runs still covers every mutant a whole run would make. A module
 * whose source changed since its newest record is marked: its score is of the older text.
 * `--write-docs` rewrites the generated section of docs/verification.md (the runs, the table
 * and the equivalent list) from the same data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strykerMutants } from './expected.ts';
import { mutatedFiles } from './modules.ts';
import { NO_TEST_COMPLETED, ROOT, readEquivalents, readRecords, sha256 } from './results.ts';
import { BEGIN, END, scoreRecords } from './scoring.ts';

const DOCS = path.join(ROOT, 'docs/verification.md');
const current = (file: string) => {
  try {
    return sha256(readFileSync(path.join(ROOT, file), 'utf8'));
  } catch {
    return '';
  }
};
const { rows, table, survivors, unrecorded, stale, section } = scoreRecords(readRecords(), readEquivalents(), current, await strykerMutants(mutatedFiles()));

process.stdout.write(`${table}\n`);
if (rows.some((r) => r.changed)) process.stdout.write('\n(source changed since): the file differs from the text its newest record mutated; rerun it\n');
if (survivors.length > 0) process.stdout.write(`\nsurviving mutants not listed as equivalent (${survivors.length}):\n${survivors.map((s) => `  ${s}`).join('\n')}\n`);
if (survivors.some((s) => s.includes(` ${NO_TEST_COMPLETED}:`)))
  process.stdout.write(`\n${NO_TEST_COMPLETED}: Stryker reported the mutant survived but no test ran to a result (the runner's bail raced the first failure); rerun the lines that hold it with --force --disableBail\n`);
if (unrecorded.length > 0)
  process.stdout.write(
    `\nmutants Stryker makes that no record holds (${unrecorded.length}; a run of lines that contain each whole tests them, with --mutators MUTATOR for just those):\n${unrecorded.map((s) => `  ${s}`).join('\n')}\n`,
  );
if (stale.length > 0) process.stdout.write(`\nstale equivalent entries (no mutant matches; fix the line or drop them):\n${stale.map((e) => `  ${e.file}:${e.line} ${e.mutator}`).join('\n')}\n`);

if (process.argv.includes('--write-docs')) {
  const doc = readFileSync(DOCS, 'utf8');
  const at = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (at < 0 || to < at) {
    process.stderr.write(`hsr: ${path.relative(ROOT, DOCS)}: no generated mutation-score section (markers missing)\n`);
    process.exit(2);
  }
  writeFileSync(DOCS, doc.slice(0, at) + section + doc.slice(to + END.length));
  process.stdout.write(`\nwrote ${path.relative(ROOT, DOCS)}\n`);
}
