/**
 * A Stryker reporter that writes each mutant's result as soon as it is tested, one line per
 * mutant: `file:line:column Mutator Status: original -> replacement`, to the file named by
 * HSR_MUTATION_LIVE (run.ts sets it to reports/mutation/live/<selection>.txt). Stryker's own
 * reports appear only at the end of a run, which on traceEngine.ts takes hours; this lets the
 * survivors of a long run be triaged while it goes on. Plain JavaScript so that Stryker can load
 * it without a build.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sourceText } from './sourceText.mjs';

class LiveReporter {
  static inject = [];
  constructor() {
    this.file = process.env.HSR_MUTATION_LIVE;
    this.sources = new Map();
    if (this.file) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(this.file, '');
    }
  }
  /** The original text of a mutant's location, read from the (unmutated) source in the project. */
  original(fileName, location) {
    let lines = this.sources.get(fileName);
    if (lines === undefined) {
      lines = readFileSync(fileName, 'utf8').split('\n');
      this.sources.set(fileName, lines);
    }
    const text = sourceText(lines, location);
    return text.replace(/\s+/g, ' ').slice(0, 120);
  }
  onMutantTested(result) {
    if (!this.file) return;
    const file = path.relative(process.cwd(), result.fileName);
    const { line, column } = result.location.start;
    let original;
    try {
      original = this.original(result.fileName, result.location);
    } catch {
      original = '?';
    }
    const replacement = String(result.replacement ?? '')
      .replace(/\s+/g, ' ')
      .slice(0, 120);
    appendFileSync(this.file, `${file}:${line}:${column} ${result.mutatorName} ${result.status}: ${original} -> ${replacement}\n`);
  }
}

export const strykerPlugins = [{ kind: 'Reporter', name: 'live', injectableClass: LiveReporter }];
