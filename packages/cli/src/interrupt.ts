/**
 * Stopping a long command cleanly: the first SIGINT (Ctrl-C) or SIGTERM (a supervisor's stop)
 * aborts the signal the work watches, with the signal's name as the abort reason; the work
 * stops after the current step and writes what it has, and the command exits 128 + the
 * signal's number (130 for SIGINT, 143 for SIGTERM), as a shell reports a process the signal
 * killed. A second signal exits at once with that code, after the cleanups registered with
 * `onForcedExit` (an output folder's staging directory is removed, so nothing partial stays).
 * `hsr train` and `hsr reproduce` both run under it.
 */
import { constants } from 'node:os';

/** The signals that stop a command. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** The exit code of a run stopped by SIGINT (128 + 2, what shells report for Ctrl-C). */
export const INTERRUPTED_EXIT_CODE = 130;

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 2);
}

/** The exit code for a stopped run: the abort reason's signal, or SIGINT's when there is none. */
export function stoppedExitCode(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' && (STOP_SIGNALS as readonly string[]).includes(reason) ? signalExitCode(reason as NodeJS.Signals) : INTERRUPTED_EXIT_CODE;
}

const forcedExitCleanups = new Set<() => void>();

/** Run `cleanup` (synchronously) if a second signal forces the process out; returns the unregister function. */
export function onForcedExit(cleanup: () => void): () => void {
  forcedExitCleanups.add(cleanup);
  return () => forcedExitCleanups.delete(cleanup);
}

/**
 * Run `work` with an AbortSignal that the first stop signal aborts (reason: the signal's
 * name); `stopping` is the notice printed then (after `hsr: `). The handlers are removed when
 * `work` settles.
 */
export async function withInterrupt<T>(stopping: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      for (const cleanup of forcedExitCleanups) {
        try {
          cleanup();
        } catch {
          // Exiting anyway: a cleanup that fails must not keep the others from running.
        }
      }
      process.exit(signalExitCode(signal));
    }
    const again = signal === 'SIGINT' ? 'Ctrl-C again' : `send ${signal} again`;
    process.stderr.write(`\nhsr: ${signal === 'SIGINT' ? 'interrupted' : `${signal} received`}: ${stopping} (${again} to quit at once)\n`);
    controller.abort(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}
