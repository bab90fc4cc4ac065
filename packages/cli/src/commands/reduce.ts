/**
 * `hsr reduce FILES...`: merge the partials of `hsr bound --shard I/K` (or `hsr grad --shard`)
 * into the report the unsharded command prints, with shard 1's provenance (model, data,
 * variant). T1 and T2 are merged exactly (the partials carry exact-sum components), so the
 * traces and the five bounds are bit-identical to the one-process run; gradients are the
 * exactly rounded sum of the shards' partial gradients (equal to the one-process gradient up
 * to the regrouping of one sum; docs/performance.md).
 */
import type { Command } from 'commander';
import { readPartialFile, type PartialDocument } from '@hsr/io';
import { BOUND_KINDS, PartialError, boundGradientFromTraces, findOutputOverflow, reduceTracePartials, type Model, type ReducedTraces } from '@hsr/numeric';
import { parseChoice, runAction, UsageError } from '../errors.ts';
import { printJson } from '../output.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';
import { type Provenance, provenanceText } from '../provenance.ts';
import { boundReportFromTraces, renderBoundReport } from './bound.ts';
import { gradReportFrom, renderGradReport } from './grad.ts';

/** A model of the partials' shapes (zero parameters), for laying a gradient out as W, b, V, a. */
function shapeTemplate(p: ReducedTraces['problem']): Model {
  const { inputDim: d, hiddenDim: h, classes: c, bias, activation } = p;
  return { activation, inputDim: d, hiddenDim: h, classes: c, W: new Float64Array(h * d), b: bias ? new Float64Array(h) : null, V: new Float64Array(c * h), a: bias ? new Float64Array(c) : null };
}

/**
 * Every partial is finite (io checks each number), but their merged sum need not be: K shards
 * of a T2 near 1.8e308 overflow together as the unsharded run would. Refuse in one line
 * instead of printing Infinity or NaN with exit 0.
 */
function refuseOverflow(files: readonly string[], outputs: Readonly<Record<string, number | ArrayLike<number>>>): void {
  const overflow = findOutputOverflow(outputs);
  if (overflow === null) return;
  const named = files.length > 1 ? `${files[0]} (and ${files.length - 1} more)` : files[0];
  throw new UsageError(`${named}: merging the shards, ${overflow} overflows float64 (beyond 1.8e308), as the unsharded run would; scale the weights or the inputs down`);
}

/** Shard 1's provenance, as the unsharded run would print it (absent from partials written by the library). */
function provenanceOf(partials: readonly PartialDocument[]): Provenance | null {
  const first = partials.find((p) => p.shard.index === 1);
  return (first?.provenance as Provenance | undefined) ?? null;
}

export function registerReduce(program: Command): void {
  program
    .command('reduce')
    .description(COMMAND_SUMMARIES.reduce)
    .argument('<files...>', 'the K partial JSON files (any order)')
    .option('--of <upper|lower|range>', 'for gradient partials: which bound to differentiate', 'upper')
    .option('--json', 'print exactly one JSON object (the same object hsr bound --json or hsr grad --json prints)', false)
    .addHelpText(
      'after',
      `
Every shard of one split (1/K .. K/K) must be given exactly once, all of the same model, data
and variant (checked by a fingerprint in each file). T1 and T2 are merged exactly, so the
traces and bounds equal the unsharded run's bit for bit.

Example (GNU parallel):
  parallel hsr bound --model net.json --data big.csv --threads 1 --shard {}/8 --out part-{}.json ::: $(seq 8)
  hsr reduce part-*.json`,
    )
    .action((files: string[], opts: { of: string; json: boolean }) =>
      runAction(() => {
        const of = parseChoice('--of', opts.of, BOUND_KINDS);
        const partials = files.map(readPartialFile);
        let reduced: ReducedTraces;
        try {
          reduced = reduceTracePartials(partials, files);
        } catch (error) {
          if (error instanceof PartialError) throw new UsageError(error.message);
          throw error;
        }
        const problem = reduced.problem;
        const provenance = provenanceOf(partials);
        const label = `reduced from ${files.length} shard${files.length > 1 ? 's' : ''} (${problem.inputDim}-${problem.hiddenDim}-${problem.classes}, N = ${problem.samples})\n${provenance ? provenanceText(provenance) : ''}`;
        if (reduced.kind === 'traces') {
          const report = boundReportFromTraces(reduced.traceH, reduced.traceH2, reduced.parameters, problem.samples);
          refuseOverflow(files, { 'T1 = tr H': report.traceH, 'T2 = tr H^2': report.traceH2, 'the bounds': Object.values(report.bounds) });
          if (opts.json) printJson({ ...report, ...provenance });
          else process.stdout.write(renderBoundReport(report, label));
          return;
        }
        const g = boundGradientFromTraces({ traceH: reduced.traceH, traceH2: reduced.traceH2, parameters: reduced.parameters, gradTraceH: reduced.gradTraceH!, gradTraceH2: reduced.gradTraceH2! }, of);
        refuseOverflow(files, { 'T1 = tr H': reduced.traceH, 'T2 = tr H^2': reduced.traceH2, 'the bound': g.value, 'its gradient': g.gradient });
        const model = shapeTemplate(problem);
        const report = gradReportFrom(model, g);
        if (opts.json) printJson({ ...report, of, ...provenance });
        else process.stdout.write(renderGradReport(report, of, label, model, problem.variant));
      }),
    );
}
