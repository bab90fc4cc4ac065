/**
 * main.ts loads only the subcommand it runs, so that `hsr bound` or `hsr reproduce` does not pay
 * ~2 s for the computer-algebra engines. Checked without timing: the static import graph of each
 * light command's module, followed through the workspace packages' export maps, never reaches
 * nerdamer or mathjs (the heavy commands, derive and audit, do, which shows the walk works).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { externalImports } from '@hsr/testkit/moduleGraph';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CAS = ['nerdamer', 'mathjs'];

const command = (name: string) => join(ROOT, 'packages/cli/src/commands', `${name}.ts`);

describe('subcommand module graphs', () => {
  test.each(['bound', 'grad', 'train', 'reproduce', 'docs'])('%s never loads nerdamer or mathjs', (name) => {
    const reached = externalImports(command(name));
    expect(reached.size).toBeGreaterThan(0);
    expect(CAS.filter((p) => reached.has(p))).toEqual([]);
  });

  test.each(['derive', 'audit'])('%s does load them (the walk follows the graph)', (name) => {
    const reached = externalImports(command(name));
    expect(CAS.filter((p) => reached.has(p))).toEqual(CAS);
  });
});
