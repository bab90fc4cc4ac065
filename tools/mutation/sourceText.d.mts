/** A place in a source file as Stryker reports it: 1-based line, 1-based column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The text between start and end (end exclusive) of the file whose lines are given. */
export function sourceText(lines: readonly string[], location: { readonly start: SourcePosition; readonly end: SourcePosition }): string;
