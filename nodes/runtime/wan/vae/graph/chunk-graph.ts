/** One VAE chunk graph: the encoder or decoder, for the first or a later chunk, at one size. */
import { GraphBuilder } from '../../../onnx';
import type { VaeConfig } from '../config';
import { buildDecoderChunk } from './decoder';
import { buildEncoderChunk } from './encoder';
import { Net, type CacheSpec, type ChunkMode, type WeightProvider } from './net';

export interface ChunkGraphKey {
  part: 'encoder' | 'decoder';
  mode: ChunkMode;
  /** Input frames per chunk (decoder: always 1). */
  frames: number;
  /** Input spatial size of the graph (encoder: patchified pixels; decoder: latent). */
  h: number;
  w: number;
}

/** Emits one chunk graph and returns the builder and its cache list. */
export function buildChunkGraph(
  weights: WeightProvider,
  cfg: VaeConfig,
  key: ChunkGraphKey,
): { builder: GraphBuilder; caches: CacheSpec[] } {
  const builder = new GraphBuilder({
    name: `wan${cfg.version}-vae-${key.part}-${key.mode}`,
    metadata: { vae: JSON.stringify(key) },
  });
  const net = new Net(builder, weights, key.mode);
  if (key.part === 'encoder') buildEncoderChunk(net, cfg, key.frames, key.h, key.w);
  else buildDecoderChunk(net, cfg, key.h, key.w);
  return { builder, caches: net.caches };
}
