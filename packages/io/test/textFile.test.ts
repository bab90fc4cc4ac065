/**
 * textFile.ts: only regular files are read, and only up to MAX_INPUT_BYTES, checked on the
 * open descriptor before reading (a FIFO would block forever, /dev/zero never ends).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_INPUT_BYTES } from '../src/index.ts';
import { readInputBytes, readText } from '../src/textFile.ts';
import { inputError, scratch } from './support.ts';

describe('readText', () => {
  test('a regular file: UTF-8 without its byte-order mark, CRLF kept for the parsers', () => {
    const path = join(scratch, 'bom.csv');
    writeFileSync(path, '\uFEFFa,label\r\n1,0\r\n');
    expect(readText(path)).toBe('a,label\r\n1,0\r\n');
  });

  test('an empty file is read as empty text (the format says what is missing)', () => {
    const path = join(scratch, 'empty.json');
    writeFileSync(path, '');
    expect(readText(path)).toBe('');
  });

  test('a FIFO is refused at once instead of blocking', () => {
    const fifo = join(scratch, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    expect(inputError(() => readText(fifo)).message).toBe(`${fifo}: cannot read file: is a named pipe (FIFO), not a regular file (hsr reads regular files only: a pipe can block forever)`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('devices, directories and a symbolic link to a device are refused by type', () => {
    expect(inputError(() => readText('/dev/zero')).message).toBe('/dev/zero: cannot read file: is a device, not a regular file');
    expect(inputError(() => readText('/dev/null')).message).toBe('/dev/null: cannot read file: is a device, not a regular file');
    expect(inputError(() => readText(scratch)).message).toBe(`${scratch}: cannot read file: is a directory, not a file`);
    const link = join(scratch, 'zero-link.csv');
    symlinkSync('/dev/zero', link);
    expect(inputError(() => readText(link)).reason).toBe('cannot read file: is a device, not a regular file');
  });

  test('a file above the size limit is refused from its size alone (a sparse file: no bytes are read)', () => {
    const path = join(scratch, 'huge.csv');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, MAX_INPUT_BYTES + 1);
    closeSync(fd);
    const started = performance.now();
    expect(inputError(() => readInputBytes(path)).reason).toBe('cannot read file: it is 256 MiB, above the 256 MiB limit for input files');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('an empty name and a missing file are named', () => {
    expect(inputError(() => readText('')).message).toBe('"": cannot read file: the file name is empty');
    expect(inputError(() => readText(join(scratch, 'nope'))).reason).toBe('cannot read file: no such file or directory');
  });
});
