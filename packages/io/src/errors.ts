/**
 * The one shape of every input error: `<file>: <location>: <reason>`, on one line, naming the
 * file as the user named it and the exact place in it:
 *
 *   model.json: W[2][1]: must be a finite number, got "NaN"
 *   data.csv: row 7, column "sepal_width": not a number: "abc"
 *   data.json: line 3, column 14: expected "," or "]" after an array element, got "}"
 *
 * The CLI prints `hsr: ` and the message, and exits 2.
 */
/** Where in a file a problem is: a JSON field path, a CSV cell, or a text position. */
export type InputLocation =
  | { readonly kind: 'field'; readonly field: string }
  | { readonly kind: 'cell'; readonly row: number; readonly column?: string }
  | { readonly kind: 'position'; readonly line: number; readonly column: number; readonly offset: number };

/** `W[2][1]`, `row 7, column "x"`, `line 3, column 14`. */
export function formatLocation(location: InputLocation): string {
  switch (location.kind) {
    case 'field':
      return location.field;
    case 'cell':
      return location.column === undefined ? `row ${location.row}` : `row ${location.row}, column ${JSON.stringify(location.column)}`;
    case 'position':
      return `line ${location.line}, column ${location.column}`;
  }
}

/** A problem with a file the user named: one line, `<file>: <location>: <reason>`. */
export class InputError extends Error {
  constructor(
    /** The file as the user named it (or a label such as `<stdin>`). */
    readonly file: string,
    /** The place in the file, or null for whole-file problems (unreadable, empty). */
    readonly location: InputLocation | null,
    /** What is wrong there, without the file or location. */
    readonly reason: string,
  ) {
    super(oneLine(location === null ? `${file}: ${reason}` : `${file}: ${formatLocation(location)}: ${reason}`));
    this.name = 'InputError';
  }
}

/** One line: line breaks inside a reason (a quoted value, an OS message) become spaces. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}

/** How a value looks in a message: strings quoted (and cut), so `"NaN"` differs from `NaN`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}

export const entries = (count: number): string => `${count} ${count === 1 ? 'entry' : 'entries'}`;

export const fieldLocation = (field: string): InputLocation => ({ kind: 'field', field });

/** An operating-system error as a reason a user can act on. */
export function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent of this path is not a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
