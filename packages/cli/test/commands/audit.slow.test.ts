/**
 * `hsr audit --write-docs` on the bundled default (Iris 4-8-3 tanh, P = 67, N = 150) twice,
 * to show the docs table is deterministic: ~15 s per audit (the third-order autodiff
 * gradients), so it lives in the slow project; the plain default audit is in audit.test.ts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runAudit } from './runAudit.ts';

describe('hsr audit on the bundled default', () => {
  test('--write-docs writes the deterministic docs table with the command', { timeout: 600_000 }, () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hsr-audit-')), 'audit.json');
    const r1 = runAudit(['--write-docs', file]);
    expect(r1.code).toBe(0);
    const first = readFileSync(file, 'utf8');
    runAudit(['--write-docs', file]);
    expect(readFileSync(file, 'utf8')).toBe(first);
    const doc = JSON.parse(first);
    expect(doc.generatedBy).toBe(`pnpm hsr audit --write-docs ${file}`);
    for (const row of doc.rows) expect(Object.keys(row).sort()).toEqual(['leg', 'pass', 'quantity', 'worstRelativeError']);
  });
});
