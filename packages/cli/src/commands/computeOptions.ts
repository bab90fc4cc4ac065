/**
 * The flags `hsr bound` and `hsr grad` share for how the closed forms run: `--threads`,
 * `--max-memory` and `--shard I/K` (with `--out`). Policy lives here, mechanism in @hsr/numeric:
 * the thread count defaults to the machine's cores, the memory limit to a quarter of physical
 * memory but at most the WebAssembly arena's 4 GiB, and a plan over the limit is refused in
 * one line (exit 2) before anything is computed.
 */
import { availableParallelism, totalmem } from 'node:os';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { formatPartial, writePartialFile } from '@hsr/io';
import { ARENA_MAX_BYTES, MemoryLimitError, tracePartial, type Dataset, type Model, type PartialKind, type TraceOptions, type TracePartial, type Variant } from '@hsr/numeric';
import { parseNumber, UsageError } from '../errors.ts';

/** A quarter of physical memory, at most the arena's address space. */
export function defaultMaxMemoryBytes(): number {
  return Math.min(ARENA_MAX_BYTES, Math.floor(totalmem() / 4));
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30, t: 2 ** 40, tb: 2 ** 40, tib: 2 ** 40 };

/** "512M", "2G", "1.5GiB", "800000000" -> bytes (K, M, G, T are powers of 1024). */
export function parseSize(flag: string, value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${flag}: expected a size like 512M, 2G or a number of bytes, got "${value}"`);
  const bytes = Number(m[1]) * unit;
  if (!(bytes > 0)) throw new UsageError(`${flag}: must be > 0, got "${value}"`);
  return Math.floor(bytes);
}

/** "3/7" -> { index: 3, count: 7 } (1-based). */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) throw new UsageError(`--shard: expected I/K with 1 <= I <= K (e.g. 3/7), got "${value}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new UsageError(`--shard: expected I/K with 1 <= I <= K, got "${value}"`);
  return { index, count };
}

export interface ComputeOptions {
  threads: number;
  maxMemoryBytes: number;
  shard: { index: number; count: number } | null;
  out: string | null;
}

export function addComputeOptions(cmd: Command): Command {
  return cmd
    .option('--threads <n>', `threads for the pair sums (results are bit-identical for any count; default: the ${availableParallelism()} cores)`)
    .option(
      '--max-memory <size>',
      `refuse, before any work, a request whose memory plan exceeds this (e.g. 512M, 8G; default: a quarter of physical memory, at most 4G: ${Math.round(defaultMaxMemoryBytes() / 2 ** 20)} MiB here)`,
    )
    .option('--shard <I/K>', 'compute only shard I of K (its block of sample pairs) as a partial-sum JSON for `hsr reduce`')
    .option('--out <file>', 'with --shard: write the partial to this file (atomically) instead of stdout');
}

export function readComputeOptions(opts: { threads?: string; maxMemory?: string; shard?: string; out?: string }): ComputeOptions {
  const threads = opts.threads === undefined ? availableParallelism() : parseNumber('--threads', opts.threads, { integer: true, min: 1 });
  const maxMemoryBytes = opts.maxMemory === undefined ? defaultMaxMemoryBytes() : parseSize('--max-memory', opts.maxMemory);
  const shard = opts.shard === undefined ? null : parseShard(opts.shard);
  if (opts.out !== undefined && shard === null) throw new UsageError('--out: only with --shard (the report itself goes to stdout)');
  return { threads, maxMemoryBytes, shard, out: opts.out ?? null };
}

/**
 * Run one closed-form evaluation under the parsed flags: a progress bar on long runs, the
 * memory limit's one-line refusal (before any work), and with --shard the shard's partial
 * (printed or written) in place of the report. Returns the report, or null when a partial was
 * emitted and the command has nothing else to print.
 */
export function runClosedForm<R>(
  label: string,
  compute: ComputeOptions,
  kind: PartialKind,
  problem: { model: Model; data: Dataset; variant: Variant; provenance: object },
  report: (options: TraceOptions) => R,
): R | null {
  const progress = tileProgress(label);
  const options = traceOptions(compute, progress.onProgress);
  const shard = compute.shard;
  return withMemoryLimit(() =>
    progress.around(() => {
      if (shard === null) return report(options);
      emitPartial(tracePartial(problem.model, problem.data, problem.variant, kind, shard, options), problem.provenance, compute);
      return null;
    }),
  );
}

/** The engine options of a parsed command line, with the progress bar's callback. */
function traceOptions(compute: ComputeOptions, onProgress: (done: number, total: number) => void): TraceOptions {
  return { threads: compute.threads, maxMemoryBytes: compute.maxMemoryBytes, onProgress };
}

/**
 * `--shard I/K`: print or write (atomically: a killed shard leaves no file) the shard's partial
 * for `hsr reduce`, with the provenance the unsharded command would print, so that the reduced
 * report is the same object.
 */
function emitPartial(partial: TracePartial, provenance: object, compute: ComputeOptions): void {
  if (compute.out) writePartialFile(compute.out, partial, provenance);
  else process.stdout.write(formatPartial(partial, provenance));
}

/** Run `body`, turning a refused memory plan into the CLI's one-line usage error. */
function withMemoryLimit<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof MemoryLimitError) throw new UsageError(`--max-memory: ${error.message}; raise --max-memory`);
    throw error;
  }
}

/**
 * A progress bar on stderr for the pair tiles, shown only on a terminal and only once the work
 * has run for half a second (short runs print nothing; --json output on stdout is untouched).
 */
function tileProgress(label: string): { onProgress: (done: number, total: number) => void; around: <T>(body: () => T) => T } {
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    onProgress: (done, total) => {
      if (bar === null) {
        if (!process.stderr.isTTY || Date.now() - started < 500) return;
        bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label} {bar} {percentage}% | tiles {value}/{total} | eta {eta_formatted}`, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(total, done);
        return;
      }
      bar.update(done);
    },
    /** Run the computation, clearing the bar afterwards (also when it throws). */
    around: (body) => {
      try {
        return body();
      } finally {
        bar?.stop();
      }
    },
  };
}
