/**
 * How the CLI fails: every expected failure is a `UsageError` (bad flag or hyperparameter,
 * exit 2) or an input error from @hsr/numeric (bad file, exit 2), printed as ONE line on
 * stderr with no stack. Anything else is a bug: exit 1 with the stack.
 */
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

const INPUT_ERROR_NAMES = new Set(['InputError', 'ShapeError', 'UsageError', 'CheckFailed']);

/** Run a command body; map known errors to a one-line message and an exit code. */
export async function runAction(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (err) {
    const e = err as Error & { exitCode?: number };
    if (e && INPUT_ERROR_NAMES.has(e.name)) {
      process.stderr.write(`hsr: ${e.message.split('\n')[0]}\n`);
      process.exitCode = e.exitCode ?? 2;
      return;
    }
    process.stderr.write(`hsr: internal error: ${e?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

/** Parse a flag value as a finite number, or fail naming the flag. */
export function parseNumber(flag: string, value: string, opts: { min?: number; integer?: boolean; positive?: boolean } = {}): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x)) throw new UsageError(`${flag}: expected a number, got "${value}"`);
  if (opts.integer && !Number.isInteger(x)) throw new UsageError(`${flag}: expected an integer, got "${value}"`);
  if (opts.positive && !(x > 0)) throw new UsageError(`${flag}: must be > 0, got ${value}`);
  if (opts.min !== undefined && x < opts.min) throw new UsageError(`${flag}: must be >= ${opts.min}, got ${value}`);
  return x;
}

/** Check a flag value against a list of choices. */
export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}
