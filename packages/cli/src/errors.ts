/**
 * How the CLI fails: every expected failure is a `UsageError` (bad flag or hyperparameter,
 * exit 2), an input error from @hsr/io or @hsr/numeric (bad file, exit 2), or a check that ran
 * and failed (`CheckFailed`, exit 1), printed as ONE line on stderr starting `hsr: `, with no
 * stack and nothing on stdout. Anything else is a bug: exit 1 with the stack.
 *
 * Exit codes: 0 done, 1 a check failed or a run diverged, 2 bad input or flags, 130/143 stopped
 * by SIGINT/SIGTERM (interrupt.ts).
 */
import type { Command } from 'commander';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A check that ran and failed (audit, docs --check): exit 1, message already printed. */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/**
 * The errors that are the user's input, by name (each package defines its own class; matching
 * by name keeps this module free of their imports): io's InputError, numeric's ShapeError and
 * HyperparameterError, a refused memory plan, and ours.
 */
const EXPECTED_ERROR_NAMES = new Set(['InputError', 'ShapeError', 'HyperparameterError', 'MemoryLimitError', 'UsageError', 'CheckFailed']);

/** V8's messages when a typed array or array cannot be allocated. */
const OUT_OF_MEMORY = /^(Array buffer allocation failed|Invalid typed array length|Invalid array length)/;

/** The one line printed for an expected error: `hsr: ` and its first line, line breaks removed. */
export function errorLine(message: string): string {
  return `hsr: ${message.replace(/\r\n|\r|\n/g, ' ').trim()}\n`;
}

/** Run a command body; map known errors to a one-line message and an exit code. */
export async function runAction(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (err) {
    const e = err as Error & { exitCode?: number };
    if (e && EXPECTED_ERROR_NAMES.has(e.name)) {
      process.stderr.write(errorLine(e.message));
      process.exitCode = e.exitCode ?? 2;
      return;
    }
    if (e instanceof RangeError && OUT_OF_MEMORY.test(e.message)) {
      // A working set that cannot be allocated is the size of the input, not a bug in the code.
      process.stderr.write(errorLine(`the input is too large for this machine's memory (${e.message})`));
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`hsr: internal error: ${e?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

/** A decimal number as a person types it: sign, digits, optional point and exponent (no hex, no spaces). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** An integer as a person types it: optional minus, digits only (so 1e12 or 0x10 is not a count). */
const INTEGER = /^-?\d+$/;

/** Parse a flag value as a finite number, or fail naming the flag. */
export function parseNumber(flag: string, value: string, opts: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {}): number {
  const text = String(value);
  if (!DECIMAL.test(text)) throw new UsageError(`${flag}: expected a number, got ${JSON.stringify(text)}`);
  if (opts.integer && !INTEGER.test(text)) throw new UsageError(`${flag}: expected an integer (digits only), got ${JSON.stringify(text)}`);
  const x = Number(text);
  if (!Number.isFinite(x)) throw new UsageError(`${flag}: expected a finite number, got ${JSON.stringify(text)}`);
  if (opts.integer && !Number.isSafeInteger(x)) throw new UsageError(`${flag}: ${text} is too large to be an exact integer`);
  if (opts.positive && !(x > 0)) throw new UsageError(`${flag}: must be > 0, got ${text}`);
  if (opts.min !== undefined && x < opts.min) throw new UsageError(`${flag}: must be >= ${opts.min}, got ${text}`);
  if (opts.max !== undefined && x > opts.max) throw new UsageError(`${flag}: must be <= ${opts.max}, got ${text}`);
  return x;
}

/** Largest seed: the generator (numeric's random.ts) is seeded by one 32-bit word. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * A seed flag: an integer in 0..2^32-1, exactly. The generator reads 32 bits, so a larger or
 * negative seed would silently run as another one (4294967296 as 0) while the run's record
 * said otherwise.
 */
export function parseSeed(flag: string, value: string): number {
  return parseNumber(flag, value, { integer: true, min: 0, max: MAX_SEED });
}

/** A file or folder flag: a non-empty path (an empty one would make every later message nameless). */
export function parsePath(flag: string, value: unknown): string {
  const text = String(value);
  if (text.trim() === '') throw new UsageError(`${flag}: expected a path, got an empty string`);
  return text;
}

/** Check a flag value against a list of choices. */
export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got ${JSON.stringify(String(value))}`);
  return value as T;
}

/**
 * Configure commander's own usage errors (unknown option, extra argument, missing option value,
 * unknown command) once, on the root program, before any subcommand is added: subcommands copy
 * these settings when created, so every one of them prints ONE line, `hsr: <what> (run with
 * --help for usage)`, and exits 2 like every other bad flag. Help and --version still exit 0.
 */
export function configureUsageErrors(program: Command): void {
  program
    .showHelpAfterError(false)
    .configureOutput({ outputError: (message, write) => write(errorLine(`${message.replace(/^error: /, '').trim()} (run with --help for usage)`)) })
    .exitOverride();
}

/** The exit code of a commander error thrown under `exitOverride`: 0 for help and --version, 2 otherwise. */
export function commanderExitCode(error: { code?: string; exitCode?: number }): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return 0;
  return 2;
}
