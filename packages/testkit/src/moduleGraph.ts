/**
 * The static import graph of a source file, followed through the workspace packages' export
 * maps (their `source` condition): which external packages a module loads when imported. Lets
 * a test say "importing X never loads nerdamer" without timing anything. `import type` and
 * dynamic `import()` are not followed: neither loads anything when the importer loads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `@hsr/x[/sub]` to its source file through packages/x/package.json's exports (the `source` condition). */
export function workspaceEntry(specifier: string): string | null {
  const m = /^@hsr\/([^/]+)(\/.*)?$/.exec(specifier);
  if (!m) return null;
  const dir = join(ROOT, 'packages', m[1]!);
  const exports = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).exports as Record<string, string | { source?: string }>;
  const entry = exports[`.${m[2] ?? ''}`];
  const target = typeof entry === 'string' ? entry : entry?.source;
  if (target === undefined) throw new Error(`${specifier}: not in the export map`);
  return join(dir, target);
}

/** Every bare (external) package reached by static imports from `entry` (a path, or an `@hsr/...` specifier). */
export function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const stack = [entry.startsWith('@hsr/') ? workspaceEntry(entry)! : entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // Static `import ... from '...'`, `export ... from '...'` and bare `import '...'`; `import type` erases at run time.
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^;]*?from\s+)?'([^']+)';/gms)) {
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
