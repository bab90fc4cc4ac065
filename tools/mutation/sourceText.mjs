/**
 * The source text a mutant replaces, from the lines of the unmutated file and Stryker's
 * location (1-based lines, 1-based columns, end exclusive). Shared by results.ts (the committed
 * record) and liveReporter.mjs (the live file); plain JavaScript because Stryker loads the
 * reporter without a TypeScript loader. Types: sourceText.d.mts.
 */
export function sourceText(lines, location) {
  const { start, end } = location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const first = lines[start.line - 1].slice(start.column - 1);
  const last = lines[end.line - 1].slice(0, end.column - 1);
  return [first, ...lines.slice(start.line, end.line - 1), last].join('\n');
}
