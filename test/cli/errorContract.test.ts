/**
 * The error contract of every command, fuzzed (the default slice; errorContract.slow.test.ts
 * runs more of each generator and the cases that take seconds each). Each bad input must give
 * exit 2, nothing on stdout, exactly one stderr line starting `hsr: ` that names the file and
 * the field, row, column or flag, and leave no file behind; each valid extreme exit 0 with
 * finite --json output. Most cases call the real entry point (`runCli`) in process; the ones
 * only a process can show (exit codes through a real exit, other users' permissions, a FIFO
 * opened by a separate process, the saturated reference) run it as a subprocess.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test as propTest } from '@fast-check/vitest';
import { RTOL_SATURATED_VS_HIGH_PRECISION } from '@hsr/testkit';
import { afterAll, describe, expect, test } from 'vitest';
import { BAD_DATA, BAD_FLAGS, BAD_MODELS, BAD_SAFETENSORS, csvText, extremeData, jsonMutation, MISSING_VALUES, ODD_FILES, USAGE_ERRORS } from './cases.ts';
import { DATA, DATA_CSV, expectBadInput, expectFiniteJson, LOCATION, MODEL, type Outcome, runInProcess, runSubprocess, Scratch, tally, withScratch } from './contract.ts';
import { SETPRIV } from './run.ts';

afterAll(() => {
  console.log(`[error contract, default slice: ${tally.inProcess} in-process and ${tally.subprocess} subprocess cases; slowest ${tally.slowest.ms.toFixed(0)} ms: ${tally.slowest.label.slice(0, 120)}]`);
});

const COMMANDS_WITH_FILES = ['bound', 'grad', 'audit', 'estimate'] as const;

describe('odd files as --model and as --data, for every command that reads them', () => {
  const roles = (['--model', '--data'] as const).flatMap((role) => ODD_FILES.map((c) => [role, c.name, c] as const));
  for (const command of COMMANDS_WITH_FILES) {
    test.each(roles)(`${command} %s: %s`, async (role, _name, c) => {
      await withScratch(async (s) => {
        const model = s.file('model.json', JSON.stringify(MODEL));
        const data = s.file('data.csv', DATA_CSV);
        const { path, names } = c.setup(s);
        const outcome = await s.unchanged(() => runInProcess([command, '--model', role === '--model' ? path : model, '--data', role === '--data' ? path : data]));
        expectBadInput(outcome, [`hsr: ${path}: `, ...names], c.name);
        return outcome;
      });
    });
  }

  test.each(ODD_FILES.map((c) => [c.name, c] as const))('train --data: %s', async (_name, c) => {
    await withScratch(async (s) => {
      const { path, names } = c.setup(s);
      const outcome = await s.unchanged(() => runInProcess(['train', '--data', path, '--epochs', '1', '--out', s.path('out')]));
      expectBadInput(outcome, [`hsr: ${path}: `, ...names], c.name);
      return outcome;
    });
  });
});

describe('bad model and data files', () => {
  test.each(BAD_MODELS.map((c) => [c.name, c] as const))('bound --model: %s', async (_name, c) => {
    await withScratch(async (s) => {
      const data = s.file('data.csv', DATA_CSV);
      const { path, names } = c.setup(s);
      const outcome = await s.unchanged(() => runInProcess(['bound', '--model', path, '--data', data]));
      expectBadInput(outcome, [`hsr: ${path}: `, ...names], c.name);
      return outcome;
    });
  });

  test.each(BAD_SAFETENSORS.map((c) => [c.name, c] as const))('bound and grad --model (safetensors): %s', async (_name, c) => {
    for (const command of ['bound', 'grad']) {
      await withScratch(async (s) => {
        const data = s.file('data.csv', DATA_CSV);
        const { path, names } = c.setup(s);
        const outcome = await s.unchanged(() => runInProcess([command, '--model', path, '--data', data]));
        expectBadInput(outcome, [`hsr: ${path}: `, ...names], `${command}: ${c.name}`);
        return outcome;
      });
    }
  });

  test.each(BAD_DATA.map((c) => [c.name, c] as const))('bound and grad --data: %s', async (_name, c) => {
    for (const command of ['bound', 'grad']) {
      await withScratch(async (s) => {
        const model = s.file('model.json', JSON.stringify(MODEL));
        const { path, names } = c.setup(s);
        const outcome = await s.unchanged(() => runInProcess([command, '--model', model, '--data', path, '--json']));
        expectBadInput(outcome, [`hsr: ${path}: `, ...names], `${command}: ${c.name}`);
        return outcome;
      });
    }
  });

  // The model-independent ones, as training data (a label or feature count is only wrong against a model).
  const trainable = BAD_DATA.filter((c) => !/beyond the model|for a model of two|T2 would overflow/.test(c.name));
  test.each(trainable.map((c) => [c.name, c] as const))('train --data: %s (nothing written, not even --out)', async (_name, c) => {
    await withScratch(async (s) => {
      const { path, names } = c.setup(s);
      const outcome = await s.unchanged(() => runInProcess(['train', '--data', path, '--epochs', '1', '--out', s.path('runs/out')]));
      expectBadInput(outcome, [`hsr: ${path}: `, ...names], c.name);
      return outcome;
    });
  });
});

/** The flag cases, with train's --out pointed into the scratch folder (so a leak would show). */
async function flagCase(command: string, args: readonly string[], names: readonly (string | RegExp)[]): Promise<void> {
  await withScratch(async (s) => {
    const extra = command === 'train' && !args.includes('--out') ? ['--out', s.path('out')] : [];
    const outcome = await s.unchanged(() => runInProcess([command, ...extra, ...args]));
    expectBadInput(outcome, names, `hsr ${command} ${args.join(' ')}`);
    return outcome;
  });
}

describe('hostile flags', () => {
  test.each(BAD_FLAGS.map((c) => [c.command, c.args.join(' '), c] as const))('%s %s', async (_command, _args, c) => {
    await flagCase(c.command, c.args, c.names);
  });

  test.each(USAGE_ERRORS.map((c) => [c.command, c.args.join(' '), c] as const))('commander: %s %s', async (_command, _args, c) => {
    await flagCase(c.command, c.args, c.names);
  });

  test.each(MISSING_VALUES.map((c) => [c.command, c.args.join(' '), c] as const))('missing value: %s %s', async (_command, _args, c) => {
    await flagCase(c.command, c.args, c.names);
  });

  propTest.prop([fc.constantFrom(...BAD_FLAGS), fc.subarray(['--json'], { maxLength: 1 }), fc.constantFrom(...USAGE_ERRORS.filter((c) => c.args[0] === '--foo'))], { numRuns: 40 })(
    'a bad flag among valid ones, or an unknown one first: still one line naming a flag',
    async (bad, json, unknown) => {
      const args = [...json, ...bad.args];
      await flagCase(bad.command, args, bad.names);
      await flagCase(bad.command, [...unknown.args, ...args], ["unknown option '--foo'"]);
    },
  );
});

/** exit 0 with finite --json, or the contract naming this file: never a crash, a NaN or a second line. */
function expectCleanOutcome(outcome: Outcome, path: string, label: string): void {
  if (outcome.code === 0) {
    expectFiniteJson(outcome, label);
    return;
  }
  expectBadInput(outcome, [`hsr: ${path}`, LOCATION], label);
}

describe('generated malformed input', () => {
  const modelText = JSON.stringify(MODEL, null, 1);
  const dataText = JSON.stringify(DATA, null, 1);

  propTest.prop([jsonMutation, fc.boolean()], { numRuns: 120 })('one edit of a model or data JSON file', async (mutate, onModel) => {
    await withScratch(async (s) => {
      const model = s.file('model.json', onModel ? mutate(modelText) : modelText);
      const data = s.file('data.json', onModel ? dataText : mutate(dataText));
      const outcome = await s.unchanged(() => runInProcess(['bound', '--model', model, '--data', data, '--json']));
      expectCleanOutcome(outcome, onModel ? model : data, 'mutated JSON');
      return outcome;
    });
  });

  propTest.prop([csvText], { numRuns: 150 })('a generated CSV data file', async (text) => {
    await withScratch(async (s) => {
      const model = s.file('model.json', JSON.stringify(MODEL));
      const data = s.file('data.csv', text);
      const outcome = await s.unchanged(() => runInProcess(['grad', '--model', model, '--data', data, '--json']));
      expectCleanOutcome(outcome, data, `CSV ${JSON.stringify(text).slice(0, 200)}`);
      return outcome;
    });
  });

  propTest.prop([fc.string({ maxLength: 12, unit: fc.constantFrom(...'u()+-*/^ 2.exptanhlog,') })], { numRuns: 60 })('derive --activation with generated formulas', async (formula) => {
    const outcome = await runInProcess(['derive', '--activation', formula]);
    if (outcome.code === 0) expect(outcome.stdout).toMatch(/^activation /);
    else if (outcome.code === 1) expect(outcome.stdout).toMatch(/FAIL/);
    else expectBadInput(outcome, ['--activation'], formula);
  });
});

describe('valid extremes give exit 0 and finite numbers', () => {
  propTest.prop([extremeData], { numRuns: 40 })('inputs from subnormal to 1e70 through a tanh network: bound --exact and grad', async (data) => {
    await withScratch(async (s) => {
      const model = s.file('model.json', JSON.stringify(MODEL));
      const path = s.file('data.json', JSON.stringify(data));
      expectFiniteJson(await runInProcess(['bound', '--model', model, '--data', path, '--exact', '--json']), JSON.stringify(data));
      const outcome = await s.unchanged(() => runInProcess(['grad', '--model', model, '--data', path, '--json']));
      const grad = expectFiniteJson(outcome, JSON.stringify(data)) as { degenerate?: boolean };
      expect(grad.degenerate).toBeUndefined();
      return outcome;
    });
  });

  const same = (text: string) => async () => {
    await withScratch(async (s) => {
      const model = s.file('model.json', JSON.stringify(MODEL));
      // The numbers, without the provenance (which names the file).
      const numbers = (v: unknown) => {
        const { traceH, traceH2, bounds, samples } = v as Record<string, unknown>;
        return { traceH, traceH2, bounds, samples };
      };
      const plain = numbers(expectFiniteJson(await runInProcess(['bound', '--model', model, '--data', s.file('plain.csv', DATA_CSV), '--json'])));
      const odd = s.file('odd.csv', text);
      const outcome = await s.unchanged(() => runInProcess(['bound', '--model', model, '--data', odd, '--json']));
      expect(numbers(expectFiniteJson(outcome))).toEqual(plain);
      return outcome;
    });
  };
  test('a BOM and CRLF line ends read as the plain file', same(`\uFEFF${DATA_CSV.replace(/\n/g, '\r\n')}`));
  test('old-Mac CR line ends, quoted cells, spaces, blank lines and the label first read as the plain file', same('"label",a,b\r\r0,0.5,1\r1, -1 ,"0.25"\r2,0.75,-0.5\r\r1,1,1\r0,-0.5,-1\r'));
  test('numbers written +.5, -0, 5e-1 and labels written 1e0 read as the plain file', same('a,b,label\n+.5,1,0\n-1,0.25,1e0\n0.75,-.5,2\n1,1,1\n-5e-1,-1,0\n'));

  test('one sample, and a model file with free-form notes 60 levels deep', async () => {
    await withScratch(async (s) => {
      const model = s.file('model.json', JSON.stringify({ ...MODEL, about: { note: 'ünïcödé ✓', deep: JSON.parse(`${'['.repeat(60)}1${']'.repeat(60)}`) } }));
      const one = s.file('one.csv', 'a,b,label\n1,2,0\n');
      const outcome = await s.unchanged(() => runInProcess(['bound', '--model', model, '--data', one, '--exact', '--json']));
      expect((expectFiniteJson(outcome) as { samples: number }).samples).toBe(1);
      return outcome;
    });
  });
});

describe('train output folders', () => {
  const cases: [string, (s: Scratch) => { out: string; names: (string | RegExp)[]; extra?: string[] }][] = [
    ['--out at an existing file', (s) => ({ out: s.file('file', 'x'), names: ['--out', 'exists and is not a folder'] })],
    ['--out under a file', (s) => ({ out: join(s.file('file', 'x'), 'run'), names: ['--out', 'a parent of this path is a file'] })],
    ['--out at /dev/null', () => ({ out: '/dev/null', names: ['--out /dev/null', 'exists and is not a folder'] })],
    ['--out under /dev/null', () => ({ out: '/dev/null/run', names: ['--out /dev/null/run', 'a parent of this path is a file'] })],
    [
      '--out holding a previous run',
      (s) => {
        mkdirSync(s.path('run'));
        writeFileSync(s.path('run/model.json'), '{}');
        return { out: s.path('run'), names: ['--out', 'not empty (model.json)', '--force'] };
      },
    ],
    ['--hidden 100000 (too large for memory)', (s) => ({ out: s.path('run'), names: ['--hidden', 'above the limit'], extra: ['--hidden', '100000'] })],
    ['N = 1 with a test split', (s) => ({ out: s.path('run'), names: ['--test-fraction', 'cannot be split'], extra: ['--data', s.file('one.csv', 'a,label\n1,0\n')] })],
    [
      // Full batch and curvature metrics on every sample: mini-batches and the metrics subset would fit.
      '200,000 samples in one batch (N x N pair sums do not fit)',
      (s) => {
        const rows = Array.from({ length: 200_000 }, (_, n) => `${n % 7},${n % 2}`).join('\n');
        const data = s.file('many.csv', `a,label\n${rows}\n`);
        return { out: s.path('run'), names: [data, 'training samples needs about'], extra: ['--data', data, '--test-fraction', '0', '--batch', 'full', '--metrics-samples', 'all'] };
      },
    ],
  ];
  test.each(cases)('%s', async (_, setup) => {
    await withScratch(async (s) => {
      const { out, names, extra = [] } = setup(s);
      const outcome = await s.unchanged(() => runInProcess(['train', '--epochs', '1', ...extra, '--out', out]));
      expectBadInput(outcome, names);
      return outcome;
    });
  });
});

/** The real process boundary: exit codes through a real exit, permissions of another user, the saturated reference. */
describe('through a subprocess', () => {
  const asRoot = process.getuid?.() === 0;
  // Root ignores file permissions, so the permission cases run the CLI without that override:
  // as root with no capabilities where setpriv exists (the checkout may sit under a folder only
  // root can enter, such as a mktemp -d), else as the unprivileged user nobody.
  const user = !asRoot ? {} : SETPRIV !== null ? { withoutPermissionOverride: true } : { uid: 65534, gid: 65534 };

  test('commander errors and a bad formula: exit 2 and one line through a real exit', () => {
    expectBadInput(runSubprocess(['bound', '--foo']), ["hsr: unknown option '--foo'"]);
    expectBadInput(runSubprocess(['train', '--out']), ["option '--out <dir>' argument missing"]);
    expectBadInput(runSubprocess(['derive', '--activation', 'u+']), ['--activation', 'cannot be parsed']);
  });

  test('a FIFO and /dev/zero as --data: refused at once, no hang, no growth', () => {
    const s = new Scratch();
    try {
      const model = s.file('model.json', JSON.stringify(MODEL));
      const fifo = ODD_FILES.find((c) => c.name.startsWith('a FIFO'))!.setup(s).path;
      expectBadInput(runSubprocess(['bound', '--model', model, '--data', fifo], { timeout: 20_000 }), [`hsr: ${fifo}: `, 'named pipe']);
      expectBadInput(runSubprocess(['train', '--data', '/dev/zero', '--out', s.path('out')], { timeout: 20_000 }), ['hsr: /dev/zero: ', 'is a device']);
    } finally {
      s.remove();
    }
  });

  test('an unreadable file and a read-only --out folder, as an unprivileged user', () => {
    const s = new Scratch();
    try {
      chmodSync(s.dir, 0o755);
      const model = s.file('model.json', JSON.stringify(MODEL));
      const data = s.file('data.csv', DATA_CSV);
      chmodSync(model, 0o644);
      chmodSync(data, 0o000);
      expectBadInput(runSubprocess(['bound', '--model', model, '--data', data], user), [`hsr: ${data}: cannot read file: permission denied`]);
      mkdirSync(s.path('locked'), 0o555);
      chmodSync(s.path('locked'), 0o555);
      const before = s.listing();
      expectBadInput(runSubprocess(['train', '--epochs', '1', '--out', s.path('locked/run')], user), [`hsr: --out ${s.path('locked/run')}: cannot create the output folder: permission denied`]);
      expect(s.listing()).toEqual(before);
    } finally {
      s.remove();
    }
  });

  test('bound --exact on saturated networks (weights ~1e3): dense and closed form agree to 1e-12 relative, both with the 120-digit reference', () => {
    const fixture = JSON.parse(readFileSync(new URL('../../packages/numeric/test/fixtures/saturated/saturated.json', import.meta.url), 'utf8')) as {
      cases: { name: string; variant: { reduction: string; block: string; curvature: string }; model: unknown; data: unknown; traceH: number; traceH2: number }[];
    };
    const s = new Scratch();
    try {
      for (const c of fixture.cases.slice(0, 3)) {
        const model = s.file(`${c.name}.model.json`, JSON.stringify(c.model));
        const data = s.file(`${c.name}.data.json`, JSON.stringify(c.data));
        const r = expectFiniteJson(
          runSubprocess(['bound', '--model', model, '--data', data, '--exact', '--json', '--reduction', c.variant.reduction, '--block', c.variant.block, '--curvature', c.variant.curvature]),
          c.name,
        ) as { traceH: number; traceH2: number; exact: { traceH: number; traceH2: number } };
        const rtol = RTOL_SATURATED_VS_HIGH_PRECISION;
        expect([r.exact.traceH, r.exact.traceH2]).toBeAllClose([r.traceH, r.traceH2], { rtol, atol: 0, scale: 0 });
        expect([r.traceH, r.traceH2]).toBeAllClose([c.traceH, c.traceH2], { rtol, atol: 0, scale: 0 });
      }
    } finally {
      s.remove();
    }
  });
});
