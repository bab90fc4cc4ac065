/**
 * The packages as another project gets them: `pnpm pack` every published package, install the
 * tarballs by name into a fresh npm project, and use them there as a user would, with no
 * TypeScript loader and no workspace around them.
 *
 * Offline: npm installs from a registry on 127.0.0.1 (localRegistry.ts) that serves our
 * tarballs and the third-party packages of the workspace's own install (the local pnpm store),
 * with a fresh npm cache, so nothing is fetched from outside and nothing depends on what npm
 * cached before. In the fresh project:
 *
 *   - plain `node` imports every entry point of every package, and `hsr` runs from its bin;
 *   - importing @hsr/crosscheck does not load the computer-algebra engines;
 *   - a strict NodeNext `tsc --noEmit` (skipLibCheck) passes on a file using every entry point;
 *   - the crosscheck README's examples, written out verbatim, pass under vitest and plain node;
 *   - with a bug planted in the README's curvature.ts (the Gauss–Newton trace returned for the
 *     Hessian's) they fail, and the printed replay commands, run as printed, reproduce exactly
 *     the failing property of that test; so does plain node's.
 *
 * About 60-90 s on 2 cores, most of it the build (tsc emit of six packages) and npm install
 * (173 packages, packed from the store on request): one install serves every check.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalRegistry, packedPackages, startRegistry, storePackages } from './localRegistry.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const PUBLISHED = readdirSync(join(ROOT, 'packages')).filter((p) => !JSON.parse(readFileSync(join(ROOT, 'packages', p, 'package.json'), 'utf8')).private);

let work: string;
let project: string;
let registry: LocalRegistry | undefined;
/** Packages npm asked for that the store does not have (optional ones for other platforms). */
let missing: string[] = [];
const timings: Record<string, number> = {};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for what vitest prints where. */
  output: string;
}

/**
 * This process's environment without what the test runner and pnpm put there: vitest's
 * variables (a child vitest sets its own; a plain node child must not look like vitest) and
 * pnpm's npm_config_* settings (the fresh project is npm's, configured by its own flags).
 */
function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|npm_|PNPM|TEST$)/i.test(k)));
}

/** Run a command in the consumer project (or `cwd`), colourless, with a time limit. */
function run(command: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; label?: string } = {}): Run {
  const t0 = performance.now();
  // Synchronous: nothing here may need the registry, which this process can no longer serve meanwhile.
  const r = spawnSync(command, args, {
    cwd: opts.cwd ?? project,
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 1 << 26,
    env: { ...cleanEnvironment(), NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env },
  });
  if (opts.label) timings[opts.label] = (timings[opts.label] ?? 0) + (performance.now() - t0) / 1000;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

/** `npm ...` without blocking this process, whose event loop serves the registry npm talks to. */
function npm(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: project, env: { ...cleanEnvironment(), npm_config_registry: registry!.url } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

/** A package README's code blocks that are files (first line `// name.ext`), verbatim. */
function readmeFiles(pkg = 'crosscheck'): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'packages', pkg, 'README.md'), 'utf8');
  const files = new Map<string, string>();
  for (const m of readme.matchAll(/```(?:ts|js)\n\/\/ ([\w.-]+\.(?:ts|mjs))\n([\s\S]*?)```/g)) files.set(m[1]!, `// ${m[1]}\n${m[2]}`);
  return files;
}

/** `sh -c` a replay line exactly as printed. */
function replay(line: string): Run {
  return run('sh', ['-c', line], { label: 'replays' });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hsr-pack-'));
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  // Build once (tsc -b, every package in order); each pnpm pack's prepack then finds it up to date.
  let t0 = performance.now();
  execFileSync(TSC, ['-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  for (const p of PUBLISHED) execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', p), stdio: 'pipe' });
  timings['build and pack'] = (performance.now() - t0) / 1000;
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  const manifests = files.map((f) => JSON.parse(execFileSync('tar', ['-xzOf', f, 'package/package.json'], { encoding: 'utf8' })));
  registry = await startRegistry([...packedPackages(files, manifests), ...storePackages(join(ROOT, 'node_modules/.pnpm'))]);

  project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`);
  t0 = performance.now();
  // By name, as a user would; autodiff, symbolic and io must come in as dependencies.
  const install = await npm([
    'install',
    '--cache',
    join(work, 'npm-cache'),
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--loglevel=error',
    '@hsr/crosscheck',
    '@hsr/numeric',
    '@hsr/cli',
    'fast-check',
    'vitest',
    '@fast-check/vitest',
    'typescript',
    '@types/node@20',
  ]);
  timings['npm install'] = (performance.now() - t0) / 1000;
  missing = [...registry.missing];
  // Closed from here on: whatever runs next cannot quietly reach for a registry.
  await registry.close();
  registry = undefined;
  if (install.code !== 0) throw new Error(`npm install failed:\n${install.output}`);
  for (const [name, text] of readmeFiles()) writeFileSync(join(project, name), text);
}, 600_000);

afterAll(async () => {
  await registry?.close();
  // HSR_PACK_KEEP=1 keeps the project to look at (its path is printed).
  if (work && !process.env.HSR_PACK_KEEP) rmSync(work, { recursive: true, force: true });
  console.log(
    `[pack test, seconds: ${Object.entries(timings)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}${process.env.HSR_PACK_KEEP ? `; kept ${project}` : ''}]`,
  );
}, 120_000);

describe('the packed packages in a fresh npm project', () => {
  test('every published package was packed with dist, types, licence and README, and nothing else', () => {
    const installed = readdirSync(join(project, 'node_modules/@hsr')).sort();
    expect(installed).toEqual([...PUBLISHED].sort());
    for (const p of installed) {
      const dir = join(project, 'node_modules/@hsr', p);
      expect(readdirSync(dir).sort(), p).toEqual(['LICENSE', 'README.md', 'dist', 'package.json', ...(p === 'io' ? ['data'] : []), ...(p === 'cli' ? ['assets'] : [])].sort());
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(manifest.license).toBe('MIT');
      expect(JSON.stringify(manifest.exports)).not.toContain('source');
      expect(JSON.stringify(manifest.dependencies ?? {})).not.toContain('workspace:');
    }
    expect(missing.filter((n) => n.startsWith('@hsr/'))).toEqual([]);
  });

  test('plain node imports every entry point of every package', () => {
    const entries = PUBLISHED.flatMap((p) => {
      const exports = JSON.parse(readFileSync(join(project, 'node_modules/@hsr', p, 'package.json'), 'utf8')).exports as Record<string, unknown>;
      return Object.keys(exports)
        .filter((k) => k !== './package.json')
        .map((k) => `@hsr/${p}${k.slice(1)}`);
    });
    const script = `const out = {}; for (const e of ${JSON.stringify(entries)}) out[e] = Object.keys(await import(e)).length; console.log(JSON.stringify(out));`;
    const r = run('node', ['--input-type=module', '-e', script], { label: 'node imports' });
    expect(r.stderr).toBe('');
    const counts = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(counts)).toEqual(entries);
    for (const [entry, n] of Object.entries(counts)) expect(n, entry).toBeGreaterThan(0);
  });

  test("the built numeric runs its worker threads (dist's own worker loop), with the one-thread bits", () => {
    const script = `
      import { DEFAULT_VARIANT, boundGradient, createRng, initModel } from '@hsr/numeric';
      import { threadsUnavailableReason } from '@hsr/numeric/internal';
      const model = initModel({ activation: 'tanh', inputDim: 6, hiddenDim: 9, classes: 3, bias: true, seed: 1 });
      const rng = createRng(2);
      const data = { samples: 200, features: 6, X: Float64Array.from({ length: 1200 }, () => rng.normal()), y: Int32Array.from({ length: 200 }, () => rng.int(3)) };
      const one = boundGradient(model, data, DEFAULT_VARIANT, 'upper', { threads: 1 });
      const two = boundGradient(model, data, DEFAULT_VARIANT, 'upper', { threads: 2, threadThreshold: 0 });
      const same = one.value === two.value && one.gradient.every((g, i) => Object.is(g, two.gradient[i]));
      console.log(JSON.stringify({ same, reason: threadsUnavailableReason() }));`;
    const r = run('node', ['--input-type=module', '-e', script], { label: 'node threads' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ same: true, reason: null });
  });

  test('importing @hsr/crosscheck loads no symbolic engine; @hsr/crosscheck/symbolic does', () => {
    const script = `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const nerdamer = () => Object.keys(cache).some((p) => p.includes('/node_modules/nerdamer/'));
      const t0 = performance.now();
      await import('@hsr/crosscheck');
      const ms = performance.now() - t0;
      const before = nerdamer();
      await import('@hsr/crosscheck/symbolic');
      console.log(JSON.stringify({ ms, before, after: nerdamer() }));`;
    const r = run('node', ['--input-type=module', '-e', script]);
    const out = JSON.parse(r.stdout);
    console.log(`[import @hsr/crosscheck in plain node: ${out.ms.toFixed(0)} ms]`);
    expect([out.before, out.after]).toEqual([false, true]);
  });

  test('the hsr bin runs: --version, --help, and bound on the bundled case', () => {
    const version = JSON.parse(readFileSync(join(project, 'node_modules/@hsr/cli/package.json'), 'utf8')).version;
    expect(run('npx', ['--no-install', 'hsr', '--version']).stdout).toBe(`${version}\n`);
    const t0 = performance.now();
    const help = run('npx', ['--no-install', 'hsr', '--help']);
    console.log(`[npx hsr --help from the installed package: ${((performance.now() - t0) / 1000).toFixed(2)} s]`);
    expect(help.stdout).toContain('P        the number of parameters H covers');
    const bound = run('npx', ['--no-install', 'hsr', 'bound', '--json']);
    expect(bound.code).toBe(0);
    expect(JSON.parse(bound.stdout).parameters).toBe(67);
  });

  test('a strict NodeNext tsc --noEmit (skipLibCheck) passes on every entry point and the README examples', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { type Model, wolkowiczStyanBounds } from '@hsr/numeric';
import { gramMatrix } from '@hsr/numeric/internal';
import { type ModelSource, readModel } from '@hsr/io';
import { autodiffHessian } from '@hsr/autodiff';
import { deriveNerdamerNetwork } from '@hsr/symbolic';
import { formulaByLabel } from '@hsr/symbolic/registry';
import { renderLatex } from '@hsr/symbolic/katex';
import { generateDocsFiles } from '@hsr/symbolic/docs';
import { type OracleReport, checkAgainstOracles } from '@hsr/crosscheck';
import { RTOL_VS_DENSE } from '@hsr/crosscheck/tolerances';
import { seededCase } from '@hsr/crosscheck/cases';
import { HESSIAN_PROPERTIES } from '@hsr/crosscheck/properties';
import { auditCase } from '@hsr/crosscheck/symbolic';
import { type BoundReport, computeBoundReport } from '@hsr/cli';

export const used = [wolkowiczStyanBounds, gramMatrix, readModel, autodiffHessian, deriveNerdamerNetwork, formulaByLabel, renderLatex, generateDocsFiles, auditCase, computeBoundReport, HESSIAN_PROPERTIES.length, RTOL_VS_DENSE];
export function width(m: Model, s: ModelSource, r: BoundReport): number {
  return m.hiddenDim + s.file.length + r.parameters;
}
export async function check(): Promise<OracleReport> {
  const c = seededCase({ activation: 'tanh', bias: true, inputDim: 2, hiddenDim: 2, classes: 2, samples: 3, seed: 1 }, { weights: { kind: 'normal', scale: 1 } });
  return checkAgainstOracles({ quantity: 'traceH', implementation: (m, d, v) => c.model.inputDim + m.inputDim + d.samples + (v.block === 'all' ? 0 : 1) });
}
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            noUnusedLocals: true,
            noUnusedParameters: true,
            verbatimModuleSyntax: true,
            skipLibCheck: true,
            noEmit: true,
            types: ['node'],
          },
          include: ['*.ts'],
        },
        null,
        2,
      )}\n`,
    );
    const r = run('npx', ['--no-install', 'tsc', '-p', '.'], { label: 'tsc' });
    expect(r.output.trim()).toBe('');
    expect(r.code).toBe(0);
  });

  test("the README's examples run verbatim: vitest passes every test file and check.mjs passes", () => {
    const vitest = run('npx', ['--no-install', 'vitest', 'run'], { label: 'vitest (README)' });
    expect(vitest.code, vitest.output).toBe(0);
    expect(vitest.output).toMatch(/Test Files {2}4 passed \(4\)/);
    const node = run('node', ['check.mjs'], { label: 'node check.mjs' });
    expect([node.code, node.stdout]).toEqual([0, 'traceH2: ok\n']);
  });

  test("the other READMEs' examples run verbatim in plain node", () => {
    const examples = ['numeric', 'io', 'symbolic'].flatMap((pkg) => [...readmeFiles(pkg)]);
    expect(examples.map(([name]) => name)).toEqual(['bound.mjs', 'pytorch.mjs', 'formula.mjs']);
    for (const [name, text] of examples) {
      writeFileSync(join(project, name), text);
      const r = run('node', [name], { label: 'node (other READMEs)' });
      expect([r.code, r.stderr], name).toEqual([0, '']);
      expect(r.stdout.length, name).toBeGreaterThan(0);
    }
  });

  describe('with a bug planted in curvature.ts: the Gauss–Newton trace returned for the Hessian', () => {
    let failed: Run;
    beforeAll(() => {
      const original = readmeFiles().get('curvature.ts')!;
      const buggy = original.replace('hessianTraces(model, data, variant).traceH', "hessianTraces(model, data, { ...variant, curvature: 'gauss-newton' }).traceH");
      expect(buggy).not.toBe(original);
      writeFileSync(join(project, 'curvature.ts'), buggy);
      failed = run('npx', ['--no-install', 'vitest', 'run', 'curvature.test.ts', 'properties.test.ts'], { label: 'vitest (planted bug)' });
      if (process.env.HSR_PACK_KEEP) writeFileSync(join(project, 'planted-bug.log'), failed.output);
    }, 300_000);

    test('both README tests that use it fail, naming the property and the shrunk case', () => {
      expect(failed.code).toBe(1);
      expect(failed.output).toMatch(/Tests {2}\d+ failed/);
      expect(failed.output).toContain('property "trace-equals-eigenvalue-sum" failed: closed-form T1 equals the sum of the eigenvalues of the dense Hessian block');
      expect(failed.output).toMatch(/FAIL +curvature\.test\.ts > tr H agrees with the dense spectrum, autodiff and the WS bounds/);
      expect(failed.output).toMatch(/FAIL +properties\.test\.ts > trace-equals-eigenvalue-sum/);
    });

    test("checkAgainstOracles' replay line, run as printed, reruns only that test and replays only that property", () => {
      const lines = [...failed.output.matchAll(/replay: (.*npx vitest run curvature\.test\.ts -t '\^tr H agrees with the dense spectrum, autodiff and the WS bounds\$')$/gm)].map((m) => m[1]!);
      expect(lines.length).toBeGreaterThan(0);
      const first = lines[0]!;
      expect(first).toMatch(/^HSR_SEED=-?\d+ HSR_REPLAY='traceH\/trace-equals-eigenvalue-sum=-?\d+:[0-9:]+' npx vitest/);
      const label = /property "trace-equals-eigenvalue-sum" failed[^\n]*\n[^\n]*\n {2}case \(after \d+ shrinks, run \d+\): ([^\n]+)/.exec(failed.output)![1]!;
      const again = replay(first);
      expect(again.code).toBe(1);
      expect(again.output).toMatch(/Tests {2}1 failed \(1\)/);
      // The replayed property is the same counterexample at once; the others fail again from the same seed.
      expect(again.output).toContain(`case (after 0 shrinks, run 1): ${label}`);
      for (const p of ['closed-form-traces-equal-dense-traces', 'traces-equal-autodiff']) expect(again.output).toContain(`property "${p}" failed`);
    });

    test("test.prop's replay line names the property's test and reruns only it", () => {
      // @fast-check/vitest names the test "<name> (with seed=S)"; the replay reuses S, so the name matches.
      const line = /replay: (.*npx vitest run properties\.test\.ts -t '\^trace-equals-eigenvalue-sum \\\(with seed=-?\d+\\\)\$')$/m.exec(failed.output)?.[1];
      expect(line).toBeDefined();
      const again = replay(line!);
      expect(again.code).toBe(1);
      expect(again.output).toMatch(/Tests {2}1 failed \| 6 skipped \(7\)/);
      expect(again.output).toMatch(/case \(after 0 shrinks, run 1\)/);
    });

    test('plain node catches it too, and its replay line (a node command) reproduces it', () => {
      writeFileSync(
        join(project, 'buggy.mjs'),
        `import { checkAgainstOracles } from '@hsr/crosscheck';
import { hessianTraces } from '@hsr/numeric';
const report = await checkAgainstOracles({ quantity: 'traceH', implementation: (m, d, v) => hessianTraces(m, d, { ...v, curvature: 'gauss-newton' }).traceH, runs: 25 });
console.log(JSON.stringify({ ok: report.ok, runs: report.runs.map((r) => [r.property, r.ok, r.numShrinks, r.seedSource, r.counterexample?.label]), replay: report.failures[0]?.split('\\n').at(-1) }));
`,
      );
      const first = run('node', ['buggy.mjs'], { label: 'node (planted bug)' });
      const a = JSON.parse(first.stdout);
      expect(a.ok).toBe(false);
      expect(a.replay).toMatch(/^ {2}replay: HSR_SEED=-?\d+ HSR_REPLAY='traceH\/trace-equals-eigenvalue-sum=[^']+' node buggy\.mjs$/);
      const b = JSON.parse(replay(a.replay.replace('  replay: ', '')).stdout);
      expect(b.runs[0]).toEqual([a.runs[0][0], false, 0, 'replay', a.runs[0][4]]);
      expect(b.runs.slice(1)).toEqual(a.runs.slice(1).map((r: unknown[]) => [...r.slice(0, 3), 'environment', r[4]]));
    });
  });
});
