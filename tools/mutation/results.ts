/**
 * The committed record of a `pnpm mutation` run (tools/mutation/results/<selection>.json).
 *
 * Stryker's own JSON report (reports/mutation/) embeds every mutated file's source and every
 * test's name, a few MB per module, and reports/ is not committed: a fresh clone would have no
 * measurement behind the table in docs/verification.md. run.ts therefore keeps, per run, only
 * what the score needs: each mutant's place, mutator, original text, replacement and status,
 * the SHA-256 of the source it was made from (so a result measured on an older version of a
 * file is reported as such), the command, its wall time and the load average. score.ts reads
 * these records, not Stryker's report.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sourceText } from './sourceText.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const RESULTS = path.join(import.meta.dirname, 'results');
export const EQUIVALENTS = path.join(import.meta.dirname, 'equivalents');

export interface RecordedMutant {
  readonly line: number;
  readonly column: number;
  readonly mutator: string;
  /** The source text the mutant replaces (past ORIGINAL_CAP characters: cut, with its hash). */
  readonly original: string;
  readonly replacement: string;
  /**
   * Stryker's status (Killed, Survived, Timeout, NoCoverage, CompileError, RuntimeError,
   * Ignored), or NO_TEST_COMPLETED for a "survivor" that no test completed on.
   */
  readonly status: string;
}

/**
 * Stryker's vitest runner reports a mutant as survived when the run it started ended with no
 * test result at all: a test file that fails outside any test, or vitest's bail cancelling the
 * run before a result came back (seen once in 152 mutants of autodiff loss.ts, on a mutant that
 * every test fails when run by hand). Nothing was tested, so it is neither a kill nor a
 * survivor to triage: it counts against the score until a rerun tests it, and no equivalent
 * entry can excuse it.
 */
export const NO_TEST_COMPLETED = 'NoTestCompleted';

export interface RecordedFile {
  /** SHA-256 (hex) of the source the mutants were made from. */
  readonly sourceSha256: string;
  /** The lines the run mutated, as `--mutate file.ts:L1-L2` gave them, or 'all'. */
  readonly lines: string;
  readonly mutants: readonly RecordedMutant[];
}

export interface RunRecord {
  /** The command as a user types it. */
  readonly command: string;
  /** ISO time the run ended; records are applied in this order, the newest result winning. */
  readonly finishedAt: string;
  readonly wallSeconds: number;
  /** One-minute load average at the start and at the end of the run. */
  readonly loadAverage: readonly [number, number];
  readonly files: Readonly<Record<string, RecordedFile>>;
}

export interface Equivalent {
  readonly file: string;
  readonly mutator: string;
  readonly line: number;
  readonly original: string;
  readonly replacement: string;
  readonly reason: string;
  /** The checker in tools/mutation/checks/ that found the mutant bit-identical (a key of CHECKS). */
  readonly checkedBy?: keyof typeof CHECKS;
}

/**
 * What each equivalence checker compares, written once: an entry with `checkedBy` gets this
 * sentence after its reason in the docs. A checker whose cases change changes it here.
 */
export const CHECKS = {
  traceEngineEquivalence:
    'bit-identical with it in tools/mutation/checks/traceEngineEquivalence.ts (8,974,605 outputs of 50 cases: every block x curvature, chosen, all-pairs and all-features routes, one thread with items first to last and last to first, two threads, shards, limits).',
  jetEquivalence:
    'bit-identical with it in tools/mutation/checks/jetEquivalence.ts (52,630,636 numbers of 3,000 seeded random expression DAGs x 4 order/tangent algebras: every operation, supports equal, disjoint, nested, gapped or empty, values 0 and -0).',
} as const;

/** An entry's whole reason as the docs show it: its own words, then its checker's evidence. */
export function reasonOf(e: Equivalent): string {
  return e.checkedBy === undefined ? e.reason : `${e.reason} ${CHECKS[e.checkedBy]}`;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Stryker's report, the parts read here. */
interface StrykerMutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  /** How many tests ran to a result on the mutant. */
  readonly testsCompleted?: number;
  readonly location: { readonly start: { line: number; column: number }; readonly end: { line: number; column: number } };
}
export interface StrykerReport {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly StrykerMutant[] }>;
}

/**
 * A `--mutate` glob split into its file part and its line range (`file.ts:61-135`, or with
 * columns `file.ts:168:1-168:20`), if any. The file part is the shortest that leaves a whole
 * range: a greedy one would take `file.ts:168` as the file of the range `1-168:20`.
 */
export function splitRange(glob: string): { file: string; range: string | undefined } {
  const m = /^(.*?):(\d+(?::\d+)?-\d+(?::\d+)?)$/.exec(glob);
  return m === null ? { file: glob, range: undefined } : { file: m[1]!, range: m[2]! };
}

/**
 * A removed block's original text is the whole block, and blocks nest: kept in full, a long
 * function's record would grow with the square of its length. Past this many characters the
 * text is cut and ends with the SHA-256 prefix of the whole, which keeps it unique for matching.
 */
export const ORIGINAL_CAP = 200;
const capped = (text: string) => (text.length <= ORIGINAL_CAP ? text : `${text.slice(0, ORIGINAL_CAP)}… (${text.length} chars, sha256 ${sha256(text).slice(0, 12)})`);

/** A mutant's place and text, without a result: what Stryker makes before it tests. */
export type MadeMutant = Omit<RecordedMutant, 'status'>;

/** Every mutant Stryker makes of one file's source (expected.ts), and that source's SHA-256. */
export interface MadeMutants {
  readonly sourceSha256: string;
  readonly mutants: readonly MadeMutant[];
}

/**
 * A mutant as records keep it, from the lines of the unmutated file and its location as the
 * report gives it (1-based lines and columns): run records and the list of every mutant
 * Stryker makes (expected.ts) build it here, so the two always match on the same mutant.
 */
export function mutantOf(lines: readonly string[], location: StrykerMutant['location'], mutator: string, replacement: string): MadeMutant {
  return { line: location.start.line, column: location.start.column, mutator, original: capped(sourceText(lines, location)), replacement };
}

/**
 * Stryker 9.3's mutator names (the mutatorName of its mutants; test/mutation checks the list
 * against the instrumenter), for `pnpm mutation --mutators`.
 */
export const STRYKER_MUTATORS = [
  'ArithmeticOperator',
  'ArrayDeclaration',
  'ArrowFunction',
  'AssignmentOperator',
  'BlockStatement',
  'BooleanLiteral',
  'ConditionalExpression',
  'EqualityOperator',
  'LogicalOperator',
  'MethodExpression',
  'ObjectLiteral',
  'OptionalChaining',
  'Regex',
  'StringLiteral',
  'UnaryOperator',
  'UpdateOperator',
] as const;

/**
 * The record of one run from Stryker's report, the globs it mutated and, if it made only some
 * mutators' mutants (`--mutators`), which: its lines then say so (`26-93 (BlockStatement only)`).
 */
export function recordRun(report: StrykerReport, globs: readonly string[], mutators: readonly string[] | undefined, meta: Omit<RunRecord, 'files'>): RunRecord {
  const files: Record<string, RecordedFile> = {};
  for (const [file, result] of Object.entries(report.files)) {
    const ranges = globs.map(splitRange).flatMap((g) => (g.file === file && g.range !== undefined ? [g.range] : []));
    const lines = result.source.split('\n');
    files[file] = {
      sourceSha256: sha256(result.source),
      lines: `${ranges.length === 0 ? 'all' : ranges.join(', ')}${mutators === undefined ? '' : ` (${mutators.join(', ')} only)`}`,
      // Stryker reports the mutants of excluded mutators (`--mutators`) as Ignored: not tested,
      // they are no result, and kept they would overwrite an earlier run's result of the same
      // mutant in the score.
      mutants: result.mutants
        .filter((m) => m.status !== 'Ignored')
        .map((m) => ({
          ...mutantOf(lines, m.location, m.mutatorName, m.replacement ?? ''),
          status: m.status === 'Survived' && m.testsCompleted === 0 ? NO_TEST_COMPLETED : m.status,
        })),
    };
  }
  return { ...meta, files };
}

/** A record as committed: one mutant per line, so a rerun's diff shows which statuses changed. */
export function formatRecord(r: RunRecord): string {
  const files = Object.entries(r.files).map(
    ([file, f]) =>
      `    ${JSON.stringify(file)}: {\n      "sourceSha256": ${JSON.stringify(f.sourceSha256)},\n      "lines": ${JSON.stringify(f.lines)},\n      "mutants": [\n${f.mutants.map((m) => `        ${JSON.stringify(m)}`).join(',\n')}\n      ]\n    }`,
  );
  const head = (['command', 'finishedAt', 'wallSeconds', 'loadAverage'] as const).map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(r[k])}`);
  return `{\n${head.join(',\n')},\n  "files": {\n${files.join(',\n')}\n  }\n}\n`;
}

/** The parsed JSON files of a directory, by file name; none if the directory is absent. */
function readJsonDir<T>(dir: string): T[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8')) as T);
}

/** Every committed run record, oldest first. */
export function readRecords(dir = RESULTS): RunRecord[] {
  return readJsonDir<RunRecord>(dir).sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
}

/** Every committed equivalent entry (one file per module in tools/mutation/equivalents/). */
export function readEquivalents(dir = EQUIVALENTS): Equivalent[] {
  return readJsonDir<Equivalent[]>(dir).flat();
}
