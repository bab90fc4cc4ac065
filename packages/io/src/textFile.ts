/**
 * Reading a text file the user named: a regular file of at most MAX_INPUT_BYTES, UTF-8,
 * without a byte-order mark, or one InputError. The file type and size are checked on the
 * open descriptor before a byte is read, because the alternatives fail badly: a FIFO blocks
 * forever waiting for a writer, /dev/zero never ends, and a huge file is parsed into many
 * times its size before anything can complain.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError, systemReason } from './errors.ts';

/**
 * Largest input file read, 256 MiB: ten times the largest data set the toolkit ships (the
 * 784-feature MNIST digits as CSV are ~20 MB per 10,000 samples) and below V8's 512 Mi-char
 * string limit, so a file is refused by name here rather than by an engine error later.
 */
export const MAX_INPUT_BYTES = 256 * 2 ** 20;

const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;

/** Why a file that is not a regular file cannot be read, or null for a regular file. */
function notRegular(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'is a directory, not a file';
  if (stats.isFIFO()) return 'is a named pipe (FIFO), not a regular file (hsr reads regular files only: a pipe can block forever)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device, not a regular file';
  if (stats.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/** The bytes of a regular file, checked before reading: type, then size (also while reading, for a file that grows). */
export function readInputBytes(path: string): Buffer {
  if (path === '') throw new InputError('""', null, 'cannot read file: the file name is empty');
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; it is refused below.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InputError(path, null, `cannot read file: ${systemReason(error)}`);
  }
  try {
    const stats = fstatSync(fd);
    const why = notRegular(stats);
    if (why !== null) throw new InputError(path, null, `cannot read file: ${why}`);
    if (stats.size > MAX_INPUT_BYTES) throw new InputError(path, null, `cannot read file: it is ${mebibytes(stats.size)}, above the ${mebibytes(MAX_INPUT_BYTES)} limit for input files`);
    const chunks: Buffer[] = [];
    let total = 0;
    let chunk = Buffer.allocUnsafe(Math.min(Math.max(stats.size + 1, 64 * 1024), MAX_INPUT_BYTES + 1));
    while (true) {
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw new InputError(path, null, `cannot read file: ${systemReason(error)}`);
      }
      if (read === 0) break;
      total += read;
      if (total > MAX_INPUT_BYTES) throw new InputError(path, null, `cannot read file: it grew past the ${mebibytes(MAX_INPUT_BYTES)} limit for input files while being read`);
      chunks.push(chunk.subarray(0, read));
      if (read === chunk.length) chunk = Buffer.allocUnsafe(Math.min(chunk.length * 2, MAX_INPUT_BYTES + 1 - total));
      else chunk = chunk.subarray(read);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** The text of `path` (BOM removed); throws InputError naming the path. */
export function readText(path: string): string {
  return stripBom(readInputBytes(path).toString('utf8'));
}

/** Text without a leading byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
