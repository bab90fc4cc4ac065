/**
 * A package registry on 127.0.0.1 that serves only what is already on this machine: the
 * tarballs `pnpm pack` made of our packages, and every third-party package of the workspace's
 * install (node_modules/.pnpm, i.e. the local pnpm store), packed on request. A fresh npm
 * project can then `npm install @hsr/crosscheck ...` by name, exactly as a user would, resolving
 * versions with npm's own rules, without reaching any outside registry or relying on npm's
 * cache. Packages the workspace does not have (optional binaries for other platforms, say)
 * get a 404, which npm accepts for optional dependencies and reports for anything else.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, lstatSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';

interface Manifest {
  name: string;
  version: string;
  [field: string]: unknown;
}

/** One version of one package: where its bytes come from. */
interface Source {
  manifest: Manifest;
  /** A packed .tgz, or a package directory to pack on request. */
  tarball?: string;
  directory?: string;
}

/** Every package directory in a pnpm virtual store, by name and version (our own packages excluded). */
export function storePackages(virtualStore: string): Source[] {
  const seen = new Map<string, Source>();
  for (const entry of readdirSync(virtualStore)) {
    const modules = join(virtualStore, entry, 'node_modules');
    if (!existsSync(modules)) continue;
    const dirs: string[] = [];
    for (const name of readdirSync(modules)) {
      if (name.startsWith('.')) continue;
      const path = join(modules, name);
      if (name.startsWith('@')) for (const sub of readdirSync(path)) dirs.push(join(path, sub));
      else dirs.push(path);
    }
    for (const dir of dirs) {
      // Symlinks point at another entry's package (a dependency), which that entry lists itself.
      if (lstatSync(dir).isSymbolicLink()) continue;
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      if (manifest.name.startsWith('@hsr/')) continue;
      seen.set(`${manifest.name}@${manifest.version}`, { manifest, directory: realpathSync(dir) });
    }
  }
  return [...seen.values()];
}

/** Our packed tarballs (each holds package/package.json). */
export function packedPackages(tarballs: readonly string[], manifests: readonly Manifest[]): Source[] {
  return tarballs.map((tarball, i) => ({ tarball, manifest: manifests[i]! }));
}

/** Descending by version, numerically on each dot-separated part (enough to pick "latest" among a few). */
function newestFirst(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number(x));
  const pb = b.split(/[.-]/).map((x) => Number(x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0 && Number.isFinite(d)) return d;
  }
  return 0;
}

export interface LocalRegistry {
  url: string;
  /** Package names asked for that the registry did not have (404s), for the test to report. */
  missing: Set<string>;
  close(): Promise<void>;
}

export async function startRegistry(sources: readonly Source[]): Promise<LocalRegistry> {
  const byName = new Map<string, Map<string, Source>>();
  for (const s of sources) {
    const versions = byName.get(s.manifest.name) ?? new Map<string, Source>();
    versions.set(s.manifest.version, s);
    byName.set(s.manifest.name, versions);
  }
  const missing = new Set<string>();
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const tarball = /^\/-\/tarball\/(.+)\/-\/([^/]+)\.tgz$/.exec(path);
    if (tarball) {
      const source = byName.get(tarball[1]!)?.get(tarball[2]!);
      if (!source) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      if (source.tarball) {
        createReadStream(source.tarball).pipe(res);
        return;
      }
      // npm's tarball layout: every path under package/ (GNU tar renames the first component).
      // The store hard-links identical files; archived as links, npm would extract only one.
      const dir = source.directory!;
      const tar = spawn('tar', ['-czf', '-', '--hard-dereference', '-C', dirname(dir), '--transform', 's,^[^/]*,package,', basename(dir)], { stdio: ['ignore', 'pipe', 'inherit'] });
      tar.stdout.pipe(res);
      return;
    }
    const name = path.slice(1);
    const versions = byName.get(name);
    if (!versions) {
      missing.add(name);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const list = [...versions.keys()].sort(newestFirst);
    const packument = {
      name,
      'dist-tags': { latest: list[0] },
      versions: Object.fromEntries(
        list.map((v) => {
          const { scripts: _scripts, devDependencies: _dev, ...manifest } = versions.get(v)!.manifest;
          return [v, { ...manifest, _id: `${name}@${v}`, dist: { tarball: `${base}/-/tarball/${name}/-/${v}.tgz` } }];
        }),
      ),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    missing,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
