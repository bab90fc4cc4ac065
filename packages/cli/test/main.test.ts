/**
 * main.ts loads only the subcommand it runs, so that `hsr bound` or `hsr reproduce` does not pay
 * ~2 s for the computer-algebra engines. Checked without timing: the static import graph of each
 * light command's module, followed through the workspace packages' export maps, never reaches
 * nerdamer or mathjs (the heavy commands, derive and audit, do, which shows the walk works).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CAS = ['nerdamer', 'mathjs'];

/** `@hsr/x[/sub]` to its source file through packages/x/package.json's exports. */
function workspaceEntry(specifier: string): string | null {
  const m = /^@hsr\/([^/]+)(\/.*)?$/.exec(specifier);
  if (!m) return null;
  const dir = join(ROOT, 'packages', m[1]!);
  const exports = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).exports as Record<string, string>;
  const target = exports[`.${m[2] ?? ''}`];
  if (target === undefined) throw new Error(`${specifier}: not in the export map`);
  return join(dir, target);
}

/** Every bare (external) package reached by static imports from `entry`. */
function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // Static `import ... from '...'` and `export ... from '...'`; `import type` erases at run time.
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const next = resolve(dirname(file), spec);
        if (existsSync(next)) stack.push(next);
      } else if (spec.startsWith('@hsr/')) stack.push(workspaceEntry(spec)!);
      else if (!spec.startsWith('node:')) external.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return external;
}

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
