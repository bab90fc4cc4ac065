/**
 * `pnpm mutation [-- --mutate GLOB[,GLOB]] [--mutators NAME[,NAME]] [other stryker flags]`
 * (--mutators: only these of Stryker's mutators, see below): Stryker over the modules of
 * modules.ts (all of them without --mutate), with the vitest runner limited to the test files
 * that verify the selected modules (passed to tools/mutation/vitest.config.ts in
 * HSR_MUTATION_TESTS; modules.ts's testsFor: an entry for exactly the glob's file wins over a
 * glob entry). A glob that matches no listed module runs every listed module's tests.
 * Incremental: a rerun re-tests only mutants whose code or covering tests changed
 * (reports/incremental/, one file per selection). Stryker's report: reports/mutation/modules/
 * <selection>.json, and the newest run's also at reports/mutation/mutation.json;
 * the committed record of the run (results.ts): tools/mutation/results/<selection>.json, from
 * which `pnpm mutation:score` prints the per-module table. While it runs, each mutant's result
 * is appended to reports/mutation/live/<selection>.txt (liveReporter.mjs).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { MUTATION_MODULES, testsFor } from './modules.ts';
import { RESULTS, STRYKER_MUTATORS, formatRecord, recordRun, type StrykerReport } from './results.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
const at = args.findIndex((a) => a === '--mutate' || a === '-m');
const globs = at >= 0 ? (args[at + 1] ?? '').split(',').filter((g) => g !== '') : MUTATION_MODULES.map((m) => m.file);
if (at >= 0 && globs.length === 0) {
  process.stderr.write('hsr: mutation: --mutate needs a glob\n');
  process.exit(2);
}
const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : [...args];
// `--mutators BlockStatement[,…]`: make only these of Stryker's mutators (its config's
// mutator.excludedMutations gets the others). For a mutant that spans two runs' line ranges,
// such as a removed function body, no range run makes it; a run of the whole span with only
// its mutator tests it without re-testing the hundreds of mutants inside.
const mi = rest.indexOf('--mutators');
const mutators = mi >= 0 ? (rest[mi + 1] ?? '').split(',').filter((n) => n !== '') : undefined;
if (mutators !== undefined) {
  const unknown = mutators.find((n) => !(STRYKER_MUTATORS as readonly string[]).includes(n));
  if (mutators.length === 0 || unknown !== undefined) {
    process.stderr.write(`hsr: mutation: --mutators: ${mutators.length === 0 ? 'needs a name' : `unknown mutator '${unknown}'`} (one of ${STRYKER_MUTATORS.join(', ')})\n`);
    process.exit(2);
  }
  rest.splice(mi, 2);
}

const tests = testsFor(globs);
process.stdout.write(`mutation: mutating ${globs.join(', ')}\nmutation: with ${tests.join(', ')}\n`);

// One incremental file and one kept report per selection, so runs of different modules do
// not overwrite each other's results (score.ts reads every kept report).
const fullSlug = [...globs, ...(mutators === undefined ? [] : ['only', ...mutators])].join(',').replace(/[^A-Za-z0-9.]+/g, '_');
// A file name is at most 255 bytes: a long selection (many line ranges) keeps its start and a
// hash of the whole, so that it still names one selection.
const slug = fullSlug.length <= 160 ? fullSlug : `${fullSlug.slice(0, 140)}_${createHash('sha256').update(fullSlug).digest('hex').slice(0, 16)}`;
const live = `reports/mutation/live/${slug}.txt`;
process.stdout.write(`mutation: each mutant's result is written to ${live} as it is tested\n`);
// Each selection gets its own Stryker config: its JSON report goes to
// reports/mutation/modules/<selection>.json and its sandbox to its own .stryker-tmp-<hash>, so two
// runs side by side (one per core) never write the same file. After a run the report is also
// copied to Stryker's default place, reports/mutation/mutation.json (the newest run's report).
const keptReport = `reports/mutation/modules/${slug}.json`;
const config = `reports/mutation/config/${slug}.json`;
const base = JSON.parse(readFileSync('tools/mutation/stryker.config.json', 'utf8')) as Record<string, unknown>;
mkdirSync(path.dirname(config), { recursive: true });
mkdirSync(path.dirname(keptReport), { recursive: true });
const { $schema: _schema, ...settings } = base;
const tempDirName = `.stryker-tmp-${createHash('sha256').update(slug).digest('hex').slice(0, 8)}`;
const mutator = mutators === undefined ? {} : { mutator: { excludedMutations: STRYKER_MUTATORS.filter((n) => !mutators.includes(n)) } };
writeFileSync(config, `${JSON.stringify({ ...settings, ...mutator, tempDirName, jsonReporter: { fileName: keptReport } }, null, 2)}\n`);
const started = performance.now();
const loadAtStart = loadavg()[0]!;
const result = spawnSync('stryker', ['run', config, '--mutate', globs.join(','), '--incrementalFile', `reports/incremental/${slug}.json`, ...rest], {
  stdio: 'inherit',
  // A fixed property seed (crosscheck's HSR_SEED): the fast-check test names carry the seed, and
  // Stryker matches a mutant's covering tests by name, so a fresh seed per process would make
  // the property tests covered by nothing; it also makes kill decisions reproducible.
  // HSR_MUTATION_LIVE: liveReporter.mjs writes each mutant's result there as it is tested.
  env: { ...process.env, HSR_SEED: process.env.HSR_SEED ?? '20260101', HSR_MUTATION_TESTS: JSON.stringify(tests), HSR_MUTATION_LIVE: live },
});
if (result.status === 0) {
  copyFileSync(keptReport, 'reports/mutation/mutation.json');
  const report = JSON.parse(readFileSync(keptReport, 'utf8')) as StrykerReport;
  const record = recordRun(report, globs, mutators, {
    command: ['pnpm mutation', ...(args.length > 0 ? ['--', ...args] : [])].join(' '),
    finishedAt: new Date().toISOString(),
    wallSeconds: Math.round((performance.now() - started) / 1000),
    loadAverage: [Number(loadAtStart.toFixed(1)), Number(loadavg()[0]!.toFixed(1))],
  });
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}/${slug}.json`, formatRecord(record));
  process.stdout.write(`mutation: kept the report as reports/mutation/modules/${slug}.json and its record as tools/mutation/results/${slug}.json (commit it); \`pnpm mutation:score\` prints the table\n`);
}
process.exit(result.status ?? 1);
