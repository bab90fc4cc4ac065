/** `hsr docs --check` on the committed docs. */
import { describe, expect, it } from 'vitest';
import { registerDocs } from '../../src/commands/docs.ts';
import { runInProcess } from '../runInProcess.ts';

const run = (args: string[]) => runInProcess([registerDocs], args);

describe('hsr docs --check', () => {
  it('passes on the committed docs', async () => {
    const r = await run(['docs', '--check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
