/**
 * Stopping a long command cleanly: the first interrupt aborts the signal the work watches (it
 * stops after the current step and writes what it has), a second one exits at once with 130.
 * `hsr train` and `hsr reproduce` both run under it. The signals handled are listed once, here,
 * so adding SIGTERM (a supervisor's stop) is one entry.
 */

/** The signals that stop a command. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT'];

/** The exit code of a run stopped by a signal (128 + SIGINT's 2, what shells report for Ctrl-C). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Run `work` with an AbortSignal that the first stop signal aborts; `stopping` is the notice
 * printed then (after `hsr: `). The handlers are removed when `work` settles.
 */
export async function withInterrupt<T>(stopping: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    process.stderr.write(`\nhsr: ${stopping} (Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}
