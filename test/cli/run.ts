/**
 * Run the hsr CLI from source in a child process, as a user would (`pnpm hsr ...`): one node
 * process with tsx as its loader and the `source` export condition, so a signal sent to the
 * child reaches the CLI itself (the tsx command would be a second process in between, relaying
 * some signals, SIGKILLing a child slow to acknowledge SIGINT, and passing no SIGKILL on).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = fileURLToPath(new URL('../../packages/cli/src/main.ts', import.meta.url));
/** `node --conditions=source --import <tsx> main.ts`: the argument list before the CLI's own arguments. */
export const NODE_ARGS: readonly string[] = ['--conditions=source', '--import', import.meta.resolve('tsx'), MAIN];

/** util-linux's setpriv, where the system has it (Debian's util-linux does). */
export const SETPRIV: string | null = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runHsr(args: string[], opts: { cwd?: string; timeout?: number; uid?: number; gid?: number; withoutPermissionOverride?: boolean } = {}): RunResult {
  // withoutPermissionOverride: the same user with an empty capability bounding set (util-linux
  // setpriv), so root obeys file permissions like anyone else while still reading the checkout.
  if (opts.withoutPermissionOverride && SETPRIV === null) throw new Error('withoutPermissionOverride needs setpriv (util-linux)');
  const command = opts.withoutPermissionOverride ? SETPRIV! : process.execPath;
  const prefix = opts.withoutPermissionOverride ? ['--inh-caps=-all', '--bounding-set=-all', '--', process.execPath] : [];
  const r = spawnSync(command, [...prefix, ...NODE_ARGS, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
    env: { ...process.env, FORCE_COLOR: '0' },
    ...(opts.uid !== undefined && { uid: opts.uid }),
    ...(opts.gid !== undefined && { gid: opts.gid }),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
