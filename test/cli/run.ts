/**
 * Run the hsr CLI from source in a child process, as a user would (`pnpm hsr ...`): one node
 * process with tsx as its loader and the `source` export condition, so a signal sent to the
 * child reaches the CLI itself (the tsx command would be a second process in between, relaying
 * some signals, SIGKILLing a child slow to acknowledge SIGINT, and passing no SIGKILL on).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = fileURLToPath(new URL('../../packages/cli/src/main.ts', import.meta.url));
/** `node --conditions=source --import <tsx> main.ts`: the argument list before the CLI's own arguments. */
export const NODE_ARGS: readonly string[] = ['--conditions=source', '--import', import.meta.resolve('tsx'), MAIN];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runHsr(args: string[], opts: { cwd?: string; timeout?: number; uid?: number; gid?: number } = {}): RunResult {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
    env: { ...process.env, FORCE_COLOR: '0' },
    ...(opts.uid !== undefined && { uid: opts.uid }),
    ...(opts.gid !== undefined && { gid: opts.gid }),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
