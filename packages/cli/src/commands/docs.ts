/**
 * `hsr docs [--out DIR] [--check] [--sweep [--slice] [--case NAME]]`: write docs/formulas.md,
 * docs/formulas.html, docs/derivation.md and the KaTeX assets from the formula registry's
 * executable definitions, the sweep's verification record (docs/verification.json) and the
 * audit (docs/audit.json) (`@hsr/symbolic/docs` generateDocsFiles); with --check exit 1 naming
 * the first differing line when the committed docs are stale. Deterministic: no timestamps, so
 * CI can compare bytes.
 *
 * --sweep first runs the formula sweep (every definition against nerdamer, mathjs and
 * @hsr/numeric on the sweep's shapes; minutes), writes docs/verification.json, then the docs; it
 * exits 1 without writing anything when a comparison fails. --slice runs the default tests'
 * slice instead (and writes nothing: the committed record is the full sweep's); --case NAME
 * replays one case by the name the record gives.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { firstDocsDifference, generateDocsFiles, readDocsSources } from '@hsr/symbolic/docs';
import { CheckFailed, runAction, UsageError } from '../errors.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';

/** The repository's docs directory (two levels above packages/cli/src). */
export const DEFAULT_DOCS_DIR = resolve(dirname(new URL(import.meta.url).pathname), '../../../../docs');

function writeAtomically(path: string, bytes: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

export function registerDocs(program: Command): void {
  program
    .command('docs')
    .description(COMMAND_SUMMARIES.docs)
    .option('--out <dir>', 'docs directory (default: the repository docs/)')
    .option('--check', 'do not write; exit 1 with the first differing line if the files on disk are stale', false)
    .option('--sweep', 'run the formula sweep (minutes), write docs/verification.json, then the docs', false)
    .option('--slice', "with --sweep: run the default tests' slice only and write nothing", false)
    .option('--case <name>', 'with --sweep: run one case by its name in the record, write nothing')
    .action(async (opts: { out?: string; check: boolean; sweep: boolean; slice: boolean; case?: string }) =>
      runAction(async () => {
        const dir = resolve(opts.out ?? DEFAULT_DOCS_DIR);
        if ((opts.slice || opts.case !== undefined) && !opts.sweep) throw new UsageError('--slice and --case go with --sweep');
        if (opts.check && opts.sweep) throw new UsageError('--check compares the committed files; it cannot be combined with --sweep');
        if (opts.sweep) {
          const { runFormulaSweep, describeFailure, judgeMeasurement } = await import('@hsr/crosscheck/symbolic');
          const { FULL_SWEEP, SWEEP_SLICE, serializeRecord, sweepCaseByName } = await import('@hsr/symbolic');
          let cases = opts.slice ? SWEEP_SLICE : FULL_SWEEP;
          if (opts.case !== undefined) {
            const one = sweepCaseByName(opts.case);
            if (!one) throw new UsageError(`--case: no sweep case named "${opts.case}"`);
            cases = [one];
          }
          const started = performance.now();
          const run = runFormulaSweep(cases, {
            generatedBy: 'pnpm hsr docs --sweep',
            // Failures as they happen, so a long sweep can be stopped at the first one.
            onCase: (done, total, r) => {
              const failing = r.measurements.filter((m) => !judgeMeasurement(m).pass).length;
              process.stderr.write(`sweep ${done}/${total} ${r.name}: ${r.measurements.length} comparisons, ${failing} failing, ${(r.milliseconds / 1000).toFixed(1)} s\n`);
            },
          });
          const seconds = (performance.now() - started) / 1000;
          const comparisons = run.results.reduce((s, r) => s + r.measurements.length, 0);
          process.stderr.write(`sweep: ${run.results.length} cases, ${comparisons} comparisons, ${run.failures.length} failing, ${seconds.toFixed(0)} s\n`);
          if (run.failures.length) {
            for (const f of run.failures.slice(0, 20)) process.stderr.write(`  ${describeFailure(f)}\n`);
            throw new CheckFailed(`${run.failures.length} comparisons of the formula sweep fail; nothing written`);
          }
          if (opts.slice || opts.case !== undefined) return;
          writeAtomically(join(dir, 'verification.json'), serializeRecord(run.record));
        }
        const files = generateDocsFiles(dir, readDocsSources(dir));
        if (opts.check) {
          const diff = firstDocsDifference(dir, files);
          if (diff) {
            process.stderr.write(`hsr docs --check: stale docs: ${diff}\n`);
            throw new CheckFailed(`docs are stale; run pnpm run docs`);
          }
          process.stdout.write(`docs up to date (${files.size} files in ${dir})\n`);
          return;
        }
        for (const [rel, bytes] of files) writeAtomically(join(dir, rel), bytes);
        process.stdout.write(`wrote ${files.size} files to ${dir}\n`);
      }),
    );
}
