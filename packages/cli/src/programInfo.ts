/**
 * What `hsr --help` and `hsr --version` print without loading any command module (each one
 * pulls in the numeric kernels, and some the computer-algebra engines: seconds, for a help
 * screen): the version, each subcommand's one-line summary, and what P and H mean.
 */
import { readFileSync } from 'node:fs';

/** The cli package's version (its package.json sits one level above src/ and dist/ alike). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Each subcommand's one-line summary: the top-level help prints it without loading the module,
 * and the module passes the same entry to its own `.description(...)`, so the two cannot drift
 * (test/cli/program.test.ts loads every module and compares).
 */
export const COMMAND_SUMMARIES = {
  bound: 'Closed-form tr H, tr H^2 and the five Wolkowicz-Styan eigenvalue bounds of the loss Hessian',
  grad: 'Closed-form gradient of a Wolkowicz-Styan bound with respect to every parameter (W, b, V, a)',
  train: 'Train a 3-layer network (plain, HSR step or penalty, SAM), recording the WS bounds and the exact spectrum',
  audit: 'Hold every closed form against the dense spectrum, central differences, autodiff and symbolic derivations; table of worst relative errors, exit 1 on any failure',
  derive: "An activation's phi', phi'', phi''' (by name or formula in u), or one quantity of a small network as the formula registry defines it, printed as checked against nerdamer, mathjs and @hsr/numeric",
  docs: 'Generate docs/formulas.md, formulas.html (KaTeX, offline) and derivation.md from the formula registry; --sweep re-verifies every definition first',
  reproduce:
    "Reproduce the HSR paper's claims: plain, hsr-step, hsr-penalty and SAM, each with its own knob swept on a validation split, from the same initialisations on several data sets and seeds; paired tests; an offline HTML report",
  estimate: 'Measure Hutchinson, Hutch++, XTrace, the Frobenius estimator, PyHessian and power iteration / Lanczos against the exact T1, T2 and lambda_max',
  reduce: 'Merge the partials of hsr bound|grad --shard I/K into the unsharded report',
} as const satisfies Readonly<Record<string, string>>;

/** The summary of a subcommand named at run time, or undefined for a name without one. */
export function commandSummary(name: string): string | undefined {
  return Object.hasOwn(COMMAND_SUMMARIES, name) ? COMMAND_SUMMARIES[name as keyof typeof COMMAND_SUMMARIES] : undefined;
}

/** The symbols every command's output uses, defined once for --help. */
export const TERMS = `Terms:
  network  u = W x + b, z = phi(u), v = V z + a, p = softmax(v): d inputs, h hidden units,
           c classes; the loss L is the cross-entropy, averaged (--reduction mean) or summed
  H        the Hessian of L with respect to the parameters theta = (W, b, V, a); --block
           first|second keeps the block of (W, b) or (V, a), --curvature gauss-newton its
           Gauss-Newton part J^T S J
  P        the number of parameters H covers: h(d + 1) + c(h + 1) with biases, hd + ch
           without (h(d + 1) or c(h + 1) alone for one block); H is P x P
  T1, T2   tr H and tr H^2, in closed form (never forming H); m = T1/P, s^2 = T2/P - m^2`;
