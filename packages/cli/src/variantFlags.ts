/** The variant flags shared by `bound`, `grad` and `audit`. */
import type { Command } from 'commander';
import { BLOCKS, CURVATURES, REDUCTIONS, type Variant } from '@hsr/numeric';
import { parseChoice } from './errors.ts';

export function addVariantOptions(cmd: Command): Command {
  return cmd
    .option('--reduction <mean|sum>', 'average or sum the loss over samples (sum multiplies H and every bound by N)', 'mean')
    .option('--block <all|first|second>', 'which parameters the Hessian covers: all, first layer (W, b) or second layer (V, a)', 'all')
    .option('--curvature <hessian|gauss-newton>', 'the full Hessian or its Gauss-Newton part J^T S J', 'hessian');
}

export function readVariant(opts: { reduction: string; block: string; curvature: string }): Variant {
  return {
    reduction: parseChoice('--reduction', opts.reduction, REDUCTIONS),
    block: parseChoice('--block', opts.block, BLOCKS),
    curvature: parseChoice('--curvature', opts.curvature, CURVATURES),
  };
}
