/** Atomic file writes: a crash or an error leaves the old file or the new one, never a partial one. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, systemReason } from './errors.ts';

/**
 * Write `text` (or bytes) to `path` atomically: into a temporary file in the same directory (same file
 * system, so the rename is atomic), flushed to disk, then renamed over the target. A crash or
 * error leaves either the old file or the new one, never a partial one. Throws InputError
 * naming the path if the directory is not writable.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o644);
    // writeFileSync on a descriptor loops until every byte is written (writeSync may stop short).
    writeFileSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // The temporary file was never created or is already gone.
    }
    throw new InputError(path, null, `cannot write file: ${systemReason(error)}`);
  }
}
