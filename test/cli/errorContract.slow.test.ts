/**
 * The error contract, the slow part (errorContract.test.ts is the default slice): ten times the
 * generated cases in process; every flag, commander error and odd file through the real
 * process boundary; 200 MB inputs; SIGKILL at every stage of a training run, including the
 * final writes and the commit; all saturated fixtures through `bound --exact`.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test as propTest } from '@fast-check/vitest';
import { RTOL_SATURATED_VS_HIGH_PRECISION } from '@hsr/testkit';
import { afterAll, describe, expect, test } from 'vitest';
import { BAD_DATA, BAD_FLAGS, BAD_MODELS, BAD_SAFETENSORS, csvText, extremeData, jsonMutation, MISSING_VALUES, ODD_FILES, USAGE_ERRORS } from './cases.ts';
import { DATA, DATA_CSV, expectBadInput, expectFiniteJson, LOCATION, MODEL, type Outcome, runInProcess, runSubprocess, tally, withScratch } from './contract.ts';
import { outputFolderState, stagingFolders, startTrain, waitForStagedLines } from './processes.ts';

afterAll(() => {
  console.log(`[error contract, slow part: ${tally.inProcess} in-process and ${tally.subprocess} subprocess cases; slowest ${tally.slowest.ms.toFixed(0)} ms: ${tally.slowest.label.slice(0, 120)}]`);
});

function expectCleanOutcome(outcome: Outcome, path: string, label: string): void {
  if (outcome.code === 0) expectFiniteJson(outcome, label);
  else expectBadInput(outcome, [`hsr: ${path}`, LOCATION], label);
}

describe('generated input, ten times the default slice', () => {
  const modelText = JSON.stringify(MODEL, null, 1);
  const dataText = JSON.stringify(DATA, null, 1);

  propTest.prop([jsonMutation, fc.boolean()], { numRuns: 1200 })('one edit of a model or data JSON file', async (mutate, onModel) => {
    await withScratch(async (s) => {
      const model = s.file('model.json', onModel ? mutate(modelText) : modelText);
      const data = s.file('data.json', onModel ? dataText : mutate(dataText));
      expectCleanOutcome(await s.unchanged(() => runInProcess(['bound', '--model', model, '--data', data, '--json'])), onModel ? model : data, 'mutated JSON');
    });
  });

  propTest.prop([fc.array(jsonMutation, { minLength: 2, maxLength: 5 }), fc.boolean()], { numRuns: 600 })('several edits of one file', async (mutations, onModel) => {
    await withScratch(async (s) => {
      const apply = (t: string) => mutations.reduce((acc, m) => m(acc), t);
      const model = s.file('model.json', onModel ? apply(modelText) : modelText);
      const data = s.file('data.json', onModel ? dataText : apply(dataText));
      expectCleanOutcome(await s.unchanged(() => runInProcess(['grad', '--model', model, '--data', data, '--json'])), onModel ? model : data, 'mutated JSON');
    });
  });

  propTest.prop([csvText, fc.constantFrom('bound', 'grad')], { numRuns: 1500 })('a generated CSV data file', async (text, command) => {
    await withScratch(async (s) => {
      const model = s.file('model.json', JSON.stringify(MODEL));
      const data = s.file('data.csv', text);
      expectCleanOutcome(await s.unchanged(() => runInProcess([command, '--model', model, '--data', data, '--json'])), data, `CSV ${JSON.stringify(text).slice(0, 200)}`);
    });
  });

  propTest.prop([csvText], { numRuns: 150 })('a generated CSV as training data: a complete run or nothing on disk', async (text) => {
    await withScratch(async (s) => {
      const data = s.file('data.csv', text);
      const before = s.listing();
      const outcome = await runInProcess(['train', '--data', data, '--epochs', '1', '--test-fraction', '0', '--out', s.path('out')]);
      if (outcome.code === 0) expect(outcomeFolder(s.path('out'))).toBe(true);
      else {
        expectBadInput(outcome, [/^hsr: /], `CSV ${JSON.stringify(text).slice(0, 200)}`);
        expect(s.listing()).toEqual(before);
      }
    });
  });

  propTest.prop([extremeData], { numRuns: 400 })('valid extremes: bound --exact and grad finite, never degenerate for a NaN', async (data) => {
    await withScratch(async (s) => {
      const model = s.file('model.json', JSON.stringify(MODEL));
      const path = s.file('data.json', JSON.stringify(data));
      expectFiniteJson(await runInProcess(['bound', '--model', model, '--data', path, '--exact', '--json']), JSON.stringify(data));
      const grad = expectFiniteJson(await runInProcess(['grad', '--model', model, '--data', path, '--json']), JSON.stringify(data)) as { degenerate?: boolean };
      expect(grad.degenerate).toBeUndefined();
    });
  });

  propTest.prop(
    [
      fc.record({
        scale: fc.constantFrom(1e-300, 1e-3, 1, 1e3, 1e30, 1e100, 1e200, 1e300),
        activation: fc.constantFrom('sigmoid', 'tanh', 'softplus', 'silu', 'gelu'),
      }),
      extremeData,
    ],
    { numRuns: 300 },
  )('weights from 1e-300 to 1e300 on extreme inputs: finite output or one line naming the input', async ({ scale, activation }, data) => {
    await withScratch(async (s) => {
      const scaled = { ...MODEL, activation, W: MODEL.W.map((r) => r.map((x) => x * scale)), V: MODEL.V.map((r) => r.map((x) => x * scale)) };
      const model = s.file('model.json', JSON.stringify(scaled));
      const path = s.file('data.json', JSON.stringify(data));
      for (const command of ['bound', 'grad']) {
        const outcome = await runInProcess([command, '--model', model, '--data', path, '--json']);
        if (outcome.code === 0) expectFiniteJson(outcome, `${command} ${activation} x${scale}`);
        else expectBadInput(outcome, [/^hsr: \S+(model|data)\.json: /, /overflows float64|out of range/], `${command} ${activation} x${scale}`);
      }
    });
  });
});

function outcomeFolder(out: string): boolean {
  return outputFolderState(out).complete;
}

describe('through the real process boundary', () => {
  // One value per flag (the first), every commander error, every missing value.
  const firstPerFlag = [...new Map(BAD_FLAGS.map((c) => [`${c.command} ${c.args[0]}`, c])).values()];
  test.each([...firstPerFlag, ...USAGE_ERRORS, ...MISSING_VALUES].map((c) => [c.command, c.args.join(' '), c] as const))('%s %s', async (_command, _args, c) => {
    await withScratch(async (s) => {
      const extra = c.command === 'train' && !c.args.includes('--out') ? ['--out', s.path('out')] : [];
      expectBadInput(await s.unchanged(() => runSubprocess([c.command, ...extra, ...c.args])), c.names);
    });
  });

  test.each([...ODD_FILES, ...BAD_MODELS, ...BAD_SAFETENSORS].map((c) => [c.name, c] as const))('bound --model: %s', async (_name, c) => {
    await withScratch(async (s) => {
      const data = s.file('data.csv', DATA_CSV);
      const { path, names } = c.setup(s);
      expectBadInput(await s.unchanged(() => runSubprocess(['bound', '--model', path, '--data', data], { timeout: 30_000 })), [`hsr: ${path}: `, ...names]);
    });
  });

  test.each([...ODD_FILES, ...BAD_DATA].map((c) => [c.name, c] as const))('grad --data: %s', async (_name, c) => {
    await withScratch(async (s) => {
      const model = s.file('model.json', JSON.stringify(MODEL));
      const { path, names } = c.setup(s);
      expectBadInput(await s.unchanged(() => runSubprocess(['grad', '--model', model, '--data', path], { timeout: 30_000 })), [`hsr: ${path}: `, ...names]);
    });
  });
});

describe('200 MB inputs are refused in seconds, not gigabytes', () => {
  const write200MB = (path: string, byte: string) => {
    const fd = openSync(path, 'w');
    const chunk = Buffer.alloc(8 * 2 ** 20, byte);
    for (let i = 0; i < 25; i++) writeSync(fd, chunk);
    closeSync(fd);
  };
  test.each([
    ['NUL bytes (head -c 200M /dev/zero)', '\0', 'NUL byte'],
    ['the digit 0 with no separator', '0', 'longer than 1024 characters'],
  ])('a 200 MB CSV of %s', async (_, byte, reason) => {
    await withScratch(async (s) => {
      const path = s.path('zeros.csv');
      write200MB(path, byte);
      const started = performance.now();
      expectBadInput(runSubprocess(['train', '--data', path, '--out', s.path('out')], { timeout: 60_000 }), [`hsr: ${path}: `, reason]);
      expect(performance.now() - started).toBeLessThan(30_000);
      expect(readdirSync(s.dir)).toEqual(['zeros.csv']);
    });
  });

  test('a sparse 300 MB file: refused from its size alone', async () => {
    await withScratch(async (s) => {
      const path = s.path('huge.csv');
      const fd = openSync(path, 'w');
      ftruncateSync(fd, 300 * 2 ** 20);
      closeSync(fd);
      expectBadInput(runSubprocess(['bound', '--model', s.file('m.json', JSON.stringify(MODEL)), '--data', path]), [`hsr: ${path}: `, 'above the 256 MiB limit']);
    });
  });
});

describe('SIGKILL at every stage of a run', () => {
  // A run of ~3-4 s (start-up, 150 epochs of 8 steps with metrics every epoch, then model.json
  // and the commit): kills spread over its whole life, from start-up to after the commit.
  // Whatever the moment, --out is absent or complete, never partial; both must be seen, so the
  // sweep provably straddles the final writes.
  const delays = Array.from({ length: 16 }, (_, k) => 300 + k * 300);
  const seen: string[] = [];
  test.each(delays)(
    'killed %i ms after start: --out absent or complete, and the next run cleans up',
    async (delay) => {
      const parent = mkdtempSync(join(tmpdir(), 'hsr-kill-'));
      const out = join(parent, 'run');
      const child = startTrain(['--data', 'iris', '--epochs', '150', '--batch', '16', '--metrics-every', '1', '--out', out]);
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.process.kill('SIGKILL');
      await child.exit;
      const state = outputFolderState(out);
      expect(state.problem === 'absent' || state.complete, JSON.stringify(state)).toBe(true);
      seen.push(state.complete ? 'complete' : 'absent');
      if (state.complete) expect(state.status).toBe('completed');
      const leftovers = readdirSync(parent).filter((e) => e !== 'run');
      expect(leftovers.every((e) => e.startsWith('.run.hsr-staging-'))).toBe(true);
      if (!state.complete) {
        const next = runSubprocess(['train', '--data', 'iris', '--epochs', '1', '--out', out]);
        expect(next.code, next.stderr).toBe(0);
        expect(readdirSync(parent)).toEqual(['run']);
      }
    },
    60_000,
  );

  test('the sweep saw runs killed before their commit and runs killed after it', () => {
    console.log(`[SIGKILL sweep: ${seen.join(', ')}]`);
    expect(seen).toContain('absent');
    expect(seen).toContain('complete');
  });

  test('SIGTERM while training a CSV with a BOM and CRLF line ends: complete folder, exit 143', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'hsr-term-'));
    const data = join(parent, 'd.csv');
    writeFileSync(data, `\uFEFF${DATA_CSV.replace(/\n/g, '\r\n')}`);
    const out = join(parent, 'run');
    const child = startTrain(['--data', data, '--epochs', '1000000', '--test-fraction', '0', '--metrics-every', '1', '--out', out]);
    await waitForStagedLines(parent, 'run', 3);
    child.process.kill('SIGTERM');
    expect(await child.exit).toBe(143);
    expect(outputFolderState(out)).toMatchObject({ complete: true, status: 'aborted' });
    expect(stagingFolders(parent, 'run')).toEqual([]);
  }, 60_000);
});

test('bound --exact on every saturated fixture: dense and closed form agree to 1e-12 relative and with the reference', () => {
  const fixture = JSON.parse(readFileSync(new URL('../../packages/numeric/test/fixtures/saturated/saturated.json', import.meta.url), 'utf8')) as {
    cases: { name: string; variant: { reduction: string; block: string; curvature: string }; model: unknown; data: unknown; traceH: number; traceH2: number; lambdaMax: number; lambdaMin: number }[];
  };
  const dir = mkdtempSync(join(tmpdir(), 'hsr-saturated-'));
  for (const c of fixture.cases) {
    const model = join(dir, `${c.name}.model.json`);
    const data = join(dir, `${c.name}.data.json`);
    writeFileSync(model, JSON.stringify(c.model));
    writeFileSync(data, JSON.stringify(c.data));
    const r = expectFiniteJson(
      runSubprocess(['bound', '--model', model, '--data', data, '--exact', '--json', '--reduction', c.variant.reduction, '--block', c.variant.block, '--curvature', c.variant.curvature]),
      c.name,
    ) as {
      traceH: number;
      traceH2: number;
      exact: { traceH: number; traceH2: number; lambdaMax: number; lambdaMin: number };
    };
    const rtol = RTOL_SATURATED_VS_HIGH_PRECISION;
    expect([r.exact.traceH, r.exact.traceH2], c.name).toBeAllClose([r.traceH, r.traceH2], { rtol, atol: 0, scale: 0 });
    expect([r.traceH, r.traceH2], c.name).toBeAllClose([c.traceH, c.traceH2], { rtol, atol: 0, scale: 0 });
    const scale = Math.max(Math.abs(c.lambdaMax), Math.abs(c.lambdaMin));
    expect([r.exact.lambdaMin, r.exact.lambdaMax], c.name).toBeAllClose([c.lambdaMin, c.lambdaMax], { rtol, atol: 0, scale });
  }
}, 120_000);
