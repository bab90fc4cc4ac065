/**
 * The README's promises that can be checked here: the symbolic limits it states are the code's,
 * and every option and export its examples use exists. Its examples themselves run verbatim in
 * a fresh project that installs the packed packages (test/pack).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as crosscheck from '../src/index.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README's code blocks that are files: a first line `// name.ext`. */
function readmeFiles(text: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of text.matchAll(/```(?:ts|js)\n\/\/ ([\w.-]+\.(?:ts|mjs))\n([\s\S]*?)```/g)) files.set(m[1]!, `// ${m[1]}\n${m[2]}`);
  return files;
}

describe('README', () => {
  test('its examples are files: the implementation, four vitest tests and a plain Node script', () => {
    expect([...readmeFiles(README).keys()]).toEqual(['curvature.ts', 'curvature.test.ts', 'fullHessian.test.ts', 'float32.test.ts', 'properties.test.ts', 'check.mjs']);
  });

  test('every name its examples import from @hsr/crosscheck is exported', () => {
    for (const [, body] of readmeFiles(README))
      for (const m of body.matchAll(/import \{([^}]*)\} from '@hsr\/crosscheck'/g))
        for (const name of m[1]!.split(',').map((s) => s.trim())) if (name && !name.startsWith('type ')) expect(crosscheck).toHaveProperty(name);
  });

  test('the README states the symbolic limits the code uses', () => {
    const L = crosscheck.SYMBOLIC_LIMITS;
    expect(README).toContain(`nerdamer\nto P ≤ ${L.nerdamer.second}, third order P ≤ ${L.nerdamer.third}; mathjs to P ≤ ${L.mathjs.second}, third order P ≤ ${L.mathjs.third}, N ≤ ${L.mathjs.samples}`);
    expect(README).toContain(`(up to P ≤ ${L.gaussNewton},\nany N)`);
  });
});
