/**
 * `hsr docs [--out DIR] [--check]`: write docs/formulas.md, docs/formulas.html and the
 * KaTeX assets from the formula registry (`@hsr/symbolic` generateDocsFiles), or with
 * --check exit 1 naming the first differing line when the committed docs are stale.
 * Deterministic: no timestamps, so CI can compare bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { firstDocsDifference, generateDocsFiles } from '@hsr/symbolic/docs';
import { CheckFailed, runAction } from '../errors.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';

/** The repository's docs directory (two levels above packages/cli/src). */
export const DEFAULT_DOCS_DIR = resolve(dirname(new URL(import.meta.url).pathname), '../../../../docs');

export function registerDocs(program: Command): void {
  program
    .command('docs')
    .description(COMMAND_SUMMARIES.docs)
    .option('--out <dir>', 'docs directory (default: the repository docs/)')
    .option('--check', 'do not write; exit 1 with the first differing line if the files on disk are stale', false)
    .action((opts: { out?: string; check: boolean }) =>
      runAction(() => {
        const dir = resolve(opts.out ?? DEFAULT_DOCS_DIR);
        const files = generateDocsFiles(dir);
        if (opts.check) {
          const diff = firstDocsDifference(dir, files);
          if (diff) {
            process.stderr.write(`hsr docs --check: stale docs: ${diff}\n`);
            throw new CheckFailed(`docs are stale; run pnpm hsr docs`);
          }
          process.stdout.write(`docs up to date (${files.size} files in ${dir})\n`);
          return;
        }
        for (const [rel, bytes] of files) {
          const path = join(dir, rel);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, bytes);
        }
        process.stdout.write(`wrote ${files.size} files to ${dir}\n`);
      }),
    );
}
