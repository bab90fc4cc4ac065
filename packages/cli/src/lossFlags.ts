/**
 * `--loss` and `--label-smoothing`, shared by bound, grad, train, audit and reproduce. The flag
 * overrides the model file's `"loss"` (and `"labelSmoothing"`); without either the loss is
 * cross-entropy, the papers' loss, and results are those of a toolkit without the flag.
 */
import type { Command } from 'commander';
import { DEFAULT_LABEL_SMOOTHING, LOSS_NAMES, isLabelSmoothing, labelSmoothingOf, lossOf, type Loss, type Model } from '@hsr/numeric';
import { parseChoice, parseNumber, UsageError } from './errors.ts';

/** What the flags asked for (undefined: not given). */
export interface LossChoice {
  readonly loss?: Loss;
  readonly labelSmoothing?: number;
}

/** The loss a run used and where it came from, as --json reports it. */
export interface LossProvenance {
  readonly name: Loss;
  /** eps, for label-smoothing only. */
  readonly labelSmoothing?: number;
  readonly from: 'option' | 'file' | 'default';
}

export const LOSS_HELP = `the loss on the logits: ${LOSS_NAMES.join(', ')} (default: the model file's "loss", else cross-entropy)`;

export function addLossOptions(cmd: Command): Command {
  return cmd
    .option('--loss <name>', LOSS_HELP)
    .option('--label-smoothing <eps>', `epsilon of --loss label-smoothing, in (0, 1): targets (1 - eps) y + eps/c (default: the model file's "labelSmoothing", else ${DEFAULT_LABEL_SMOOTHING})`);
}

/** Parse --loss and --label-smoothing (one-line UsageError on a bad value). */
export function readLossChoice(opts: { loss?: string; labelSmoothing?: string }): LossChoice {
  const loss = opts.loss === undefined ? undefined : parseChoice('--loss', opts.loss, LOSS_NAMES);
  let labelSmoothing: number | undefined;
  if (opts.labelSmoothing !== undefined) {
    labelSmoothing = parseNumber('--label-smoothing', opts.labelSmoothing);
    if (!isLabelSmoothing(labelSmoothing)) throw new UsageError(`--label-smoothing: must be in (0, 1) (exclusive), got ${opts.labelSmoothing}`);
  }
  return { ...(loss !== undefined ? { loss } : {}), ...(labelSmoothing !== undefined ? { labelSmoothing } : {}) };
}

/** `model` (two-layer or layered) with the chosen loss (the flags override the file); refuses --label-smoothing on another loss. */
export function applyLossChoice<M extends Pick<Model, 'loss' | 'labelSmoothing'>>(model: M, choice: LossChoice): { model: M; loss: LossProvenance } {
  const name = choice.loss ?? lossOf(model);
  if (choice.labelSmoothing !== undefined && name !== 'label-smoothing') throw new UsageError(`--label-smoothing: applies to --loss label-smoothing only (the loss is ${name})`);
  const from = choice.loss !== undefined ? 'option' : model.loss !== undefined ? 'file' : 'default';
  const eps = choice.labelSmoothing ?? labelSmoothingOf(model);
  const { loss: _l, labelSmoothing: _e, ...rest } = model;
  const out = (name === 'cross-entropy' && model.loss === undefined ? rest : { ...rest, loss: name, ...(name === 'label-smoothing' ? { labelSmoothing: eps } : {}) }) as M;
  return { model: out, loss: { name, ...(name === 'label-smoothing' ? { labelSmoothing: eps } : {}), from } };
}

/** "mse (from --loss)", "label-smoothing, eps = 0.1 (from the model file)", "cross-entropy (default)". */
export function describeLoss(l: LossProvenance): string {
  const eps = l.labelSmoothing !== undefined ? `, eps = ${l.labelSmoothing}` : '';
  const from = l.from === 'option' ? 'from --loss' : l.from === 'file' ? 'from the model file' : 'default';
  return `${l.name}${eps} (${from})`;
}
