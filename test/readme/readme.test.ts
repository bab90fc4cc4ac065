/** The README's promises: its first lines hold the two commands, the second lints, typechecks and tests, and CI runs it verbatim. */
import { readFileSync } from 'node:fs';
import { MAX_INPUT_BYTES } from '@hsr/io';
import { formulaByLabel } from '@hsr/symbolic/registry';
import { signalExitCode } from '../../packages/cli/src/interrupt.ts';
import { expect, test } from 'vitest';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const ci = readFileSync(new URL('.ci/run', root), 'utf8');

function readmeCommands(): string[] {
  const block = /```bash\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no bash block');
  return block[1]!.trim().split('\n');
}

test('the README opens with exactly two commands: main job, then tests', () => {
  expect(readme.indexOf('```bash')).toBeLessThan(20);
  const commands = readmeCommands();
  expect(commands).toHaveLength(2);
  expect(commands[0]).toMatch(/pnpm hsr /);
  expect(commands[1]).toMatch(/pnpm install --frozen-lockfile && pnpm lint && pnpm typecheck && pnpm test$/);
});

test('.ci/run runs the README test command verbatim', () => {
  const lines = ci.split('\n').map((l) => l.trim());
  expect(lines).toContain(readmeCommands()[1]);
});

test("the README's bounds are the formula registry's text, as hsr bound --help prints it", () => {
  for (const label of ['eq:ws-bounds', 'eq:range-bound']) for (const line of formulaByLabel(label).text ?? []) expect(readme).toContain(`    ${line}\n`);
});

test("the README's exit codes and limits are the CLI's", () => {
  const table = readme.slice(readme.indexOf('### Errors and exit codes'), readme.indexOf('## Layout'));
  for (const code of ['**2**', '**0**', '**1**', `**${signalExitCode('SIGINT')}**`, `**${signalExitCode('SIGTERM')}**`]) expect(table).toContain(code);
  expect(table).toContain(`at most ${MAX_INPUT_BYTES / 2 ** 20} MiB`);
});
