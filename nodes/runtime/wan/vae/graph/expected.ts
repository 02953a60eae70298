/**
 * The tensors a VAE config implies: emitting both steady-chunk graphs (which between them use
 * every weight) at the smallest size asks the weight provider for each tensor with its shape.
 */
import type { VaeConfig } from '../config';
import { spaceStride } from '../config';
import { buildChunkGraph } from './chunk-graph';
import { ShapeRecorder, type WeightProvider } from './net';

/** Asks `weights` for every tensor of `cfg` (a checking provider throws on the first mismatch). */
export function checkVaeTensors(weights: WeightProvider, cfg: VaeConfig): void {
  const s = spaceStride(cfg) / cfg.patchSize;
  buildChunkGraph(weights, cfg, { part: 'encoder', mode: 'steady', frames: 4, h: s, w: s });
  buildChunkGraph(weights, cfg, { part: 'decoder', mode: 'steady', frames: 1, h: 1, w: 1 });
}

/** Official tensor name → stored shape for every weight of a VAE with this config. */
export function expectedVaeTensors(cfg: VaeConfig): Map<string, number[]> {
  const rec = new ShapeRecorder();
  checkVaeTensors(rec, cfg);
  return rec.shapes;
}
