/**
 * `hsr audit` on the bundled default (Iris 4-8-3 tanh, P = 67, N = 150): every leg, including
 * the third-order autodiff gradients (~65 s), so it lives in the slow project.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runAudit } from './runAudit.ts';

describe('hsr audit on the bundled default', () => {
  test('the bundled default passes and is named', { timeout: 600_000 }, () => {
    const r = runAudit([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit of bundled Iris 4-8-3 tanh network');
    expect(r.stdout).toContain('P = 67, N = 150');
    expect(r.stdout).toContain('autodiff');
    expect(r.stdout).not.toContain('FAIL');
  });

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
