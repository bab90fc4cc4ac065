/** Reading a text file the user named: UTF-8, without a byte-order mark, or one InputError. */
import { readFileSync } from 'node:fs';
import { InputError, systemReason } from './errors.ts';

/** The text of `path` (BOM removed); throws InputError naming the path. */
export function readText(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    throw new InputError(path, null, `cannot read file: ${systemReason(error)}`);
  }
}

/** Text without a leading byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
