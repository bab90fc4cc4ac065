/**
 * An output folder as one transaction: every file is written into a hidden staging folder
 * beside the destination (same file system, so the final rename is atomic), flushed to disk,
 * and the staging folder is renamed onto the destination only when the run has written
 * everything. On failure or a stop before that, the staging folder is removed. So the
 * destination is always either absent (or the previous run, untouched) or complete, never a
 * mixture of two runs or a half-written file, even after SIGKILL, power loss or a full disk.
 *
 * A SIGKILL leaves only the hidden staging folder (`.NAME.hsr-staging-PID-XXXX`); the next
 * folder opened in the same parent removes any whose process is gone.
 *
 * A non-empty destination is refused unless `replace` is set; then it is swapped out and
 * removed after the new one is in place.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, systemReason } from './errors.ts';

export interface OutputFolderOptions {
  /** Replace a non-empty destination (it is removed once the new one is in place). */
  readonly replace?: boolean;
  /** How the user names the destination in messages (a flag such as `--out`). */
  readonly flag?: string;
}

const STAGING = '.hsr-staging-';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove staging folders for `name` in `parent` left by processes that no longer exist. */
function removeStaleStaging(parent: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  const prefix = `.${name}${STAGING}`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid)) rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/**
 * Refuse, before any work and without creating anything, an output folder path that cannot
 * become a folder: an existing file or device, or a path under one. For commands that write a
 * folder of their own files without the transaction (`hsr estimate --out`).
 */
export function checkOutputFolderPath(path: string, flag: string): void {
  const label = `${flag} ${path}`;
  if (path.trim() === '') throw new InputError(flag, null, 'expected a folder, got an empty path');
  let at = resolve(path);
  while (true) {
    let stats: ReturnType<typeof lstatSync>;
    try {
      stats = lstatSync(at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new InputError(label, null, 'cannot create the output folder: a parent of this path is a file, not a folder');
      if (code !== 'ENOENT') throw new InputError(label, null, `cannot use the output folder: ${systemReason(error)}`);
      const parent = dirname(at);
      if (parent === at) return;
      at = parent;
      continue;
    }
    if (stats.isDirectory() || (stats.isSymbolicLink() && at !== resolve(path))) return;
    if (at === resolve(path)) throw new InputError(label, null, 'exists and is not a folder (a file or device); choose a folder path');
    throw new InputError(label, null, 'cannot create the output folder: a parent of this path is a file, not a folder');
  }
}

/** One output folder being written; see the module comment. */
export class OutputFolder {
  /** The destination, resolved. */
  readonly path: string;
  /** The hidden staging folder every file is written into until commit. */
  readonly staging: string;
  private readonly label: string;
  private readonly replace: boolean;
  /** The first parent folder this transaction created (removed again if it is abandoned). */
  private readonly createdParent: string | undefined;
  private readonly appendFds = new Map<string, number>();
  private settled = false;

  constructor(path: string, options: OutputFolderOptions = {}) {
    this.label = options.flag === undefined ? path : `${options.flag} ${path}`;
    this.replace = options.replace ?? false;
    if (path.trim() === '') throw new InputError(options.flag ?? '""', null, 'expected a folder, got an empty path');
    this.path = resolve(path);
    const existing = this.destinationEntries();
    if (existing !== null && existing.length > 0 && !this.replace) {
      const shown = existing.slice(0, 4).join(', ') + (existing.length > 4 ? ', ...' : '');
      throw new InputError(this.label, null, `the output folder is not empty (${shown}); choose a new folder, or pass --force to replace it`);
    }
    const parent = dirname(this.path);
    const name = basename(this.path);
    try {
      this.createdParent = mkdirSync(parent, { recursive: true });
    } catch (error) {
      throw new InputError(this.label, null, `cannot create the output folder: ${systemReason(error)}`);
    }
    removeStaleStaging(parent, name);
    this.staging = join(parent, `.${name}${STAGING}${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      mkdirSync(this.staging);
    } catch (error) {
      this.removeCreatedParent();
      throw new InputError(this.label, null, `cannot create the output folder: ${systemReason(error)}`);
    }
  }

  /** The entries of an existing destination folder, null if it does not exist; refuses a non-folder. */
  private destinationEntries(): string[] | null {
    let stats: ReturnType<typeof lstatSync>;
    try {
      stats = lstatSync(this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      if (code === 'ENOTDIR') throw new InputError(this.label, null, 'cannot create the output folder: a parent of this path is a file, not a folder');
      throw new InputError(this.label, null, `cannot use the output folder: ${systemReason(error)}`);
    }
    if (!stats.isDirectory()) throw new InputError(this.label, null, `exists and is not a folder (${stats.isSymbolicLink() ? 'a symbolic link' : 'a file or device'}); choose a folder path`);
    try {
      return readdirSync(this.path).sort();
    } catch (error) {
      throw new InputError(this.label, null, `cannot use the output folder: ${systemReason(error)}`);
    }
  }

  private removeCreatedParent(): void {
    if (this.createdParent !== undefined) rmSync(this.createdParent, { recursive: true, force: true });
  }

  /** Where `name` is being written (inside the staging folder). */
  file(name: string): string {
    return join(this.staging, name);
  }

  /** The path `name` will have once committed. */
  finalPath(name: string): string {
    return join(this.path, name);
  }

  private fail(name: string, error: unknown): never {
    throw new InputError(this.finalPath(name), null, `cannot write file: ${systemReason(error)}`);
  }

  /** Write a whole file, flushed to disk. */
  writeFile(name: string, text: string): void {
    let fd: number | null = null;
    try {
      fd = openSync(this.file(name), 'w', 0o644);
      writeSync(fd, text);
      fsyncSync(fd);
    } catch (error) {
      this.fail(name, error);
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  /** Append one line (with its newline) in a single write, so a stop between writes leaves whole lines. */
  appendLine(name: string, line: string): void {
    try {
      let fd = this.appendFds.get(name);
      if (fd === undefined) {
        fd = openSync(this.file(name), 'a', 0o644);
        this.appendFds.set(name, fd);
      }
      writeSync(fd, `${line}\n`);
    } catch (error) {
      this.fail(name, error);
    }
  }

  /** Create an empty file (or leave an appended one), so it exists in the committed folder. */
  touch(name: string): void {
    if (!this.appendFds.has(name)) {
      try {
        this.appendFds.set(name, openSync(this.file(name), 'a', 0o644));
      } catch (error) {
        this.fail(name, error);
      }
    }
  }

  private closeAppends(flush: boolean): void {
    for (const [name, fd] of this.appendFds) {
      try {
        if (flush) fsyncSync(fd);
      } catch (error) {
        this.fail(name, error);
      } finally {
        closeSync(fd);
      }
    }
    this.appendFds.clear();
  }

  /** Put the staging folder in place of the destination, atomically; throws InputError (and abandons) on failure. */
  commit(): void {
    if (this.settled) return;
    try {
      this.closeAppends(true);
      const dir = openSync(this.staging, 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
      const existing = this.destinationEntries();
      if (existing !== null && existing.length > 0) {
        if (!this.replace) throw new InputError(this.label, null, 'the output folder filled up while this run was writing; its files are untouched and this run was discarded');
        const old = join(dirname(this.path), `.${basename(this.path)}.hsr-replaced-${process.pid}-${randomBytes(4).toString('hex')}`);
        renameSync(this.path, old);
        renameSync(this.staging, this.path);
        rmSync(old, { recursive: true, force: true });
      } else {
        // rename(2) replaces an empty folder atomically.
        renameSync(this.staging, this.path);
      }
      const parent = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(parent);
      } finally {
        closeSync(parent);
      }
      this.settled = true;
    } catch (error) {
      this.abandon();
      if (error instanceof InputError) throw error;
      throw new InputError(this.label, null, `cannot write the output folder: ${systemReason(error)}`);
    }
  }

  /** Remove everything this transaction wrote (and any parent folder it created). Safe to call twice. */
  abandon(): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.closeAppends(false);
    } catch {
      // Closing is best effort here: the folder is removed next.
    }
    rmSync(this.staging, { recursive: true, force: true });
    this.removeCreatedParent();
  }
}
