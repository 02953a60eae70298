/**
 * The encoder chunk graph (`Encoder3d` + `WanVAE_.conv1`) of the Wan 2.1 and 2.2 VAEs.
 * Input `x` `[1, 3·p², T, H, W]` (already patchified for 2.2); outputs `mu` and `logvar`
 * `[1, z_dim, T', H/8, W/8]` and the caches `cache_next.N` for the next chunk.
 */
import type { VaeConfig } from '../config';
import { avgDown3d, residualBlock, resample } from './blocks';
import type { Net, V } from './net';

function encoderBody(net: Net, cfg: VaeConfig, x: V): V {
  const dims = [1, ...cfg.dimMult].map((m) => cfg.dim * m);
  const levels = cfg.dimMult.length;
  x = net.causalConv3(x, 'encoder.conv1', dims[0]);
  if (cfg.version === '2.1') {
    let scale = 1;
    let j = 0;
    for (let i = 0; i < levels; i++) {
      for (let r = 0; r < cfg.numResBlocks; r++) {
        x = residualBlock(net, x, `encoder.downsamples.${j++}`, dims[i + 1]);
        if (cfg.attnScales.includes(scale)) x = net.attention(x, `encoder.downsamples.${j++}`);
      }
      if (i !== levels - 1) {
        x = resample(
          net,
          x,
          `encoder.downsamples.${j++}`,
          cfg.temperalDownsample[i] ? 'downsample3d' : 'downsample2d',
          dims[i + 1],
        );
        scale /= 2;
      }
    }
  } else {
    for (let i = 0; i < levels; i++) {
      const key = `encoder.downsamples.${i}`;
      const down = i !== levels - 1;
      const tdown = down && (cfg.temperalDownsample[i] ?? false);
      const input = x;
      for (let r = 0; r < cfg.numResBlocks; r++)
        x = residualBlock(net, x, `${key}.downsamples.${r}`, dims[i + 1]);
      if (down)
        x = resample(
          net,
          x,
          `${key}.downsamples.${cfg.numResBlocks}`,
          tdown ? 'downsample3d' : 'downsample2d',
          dims[i + 1],
        );
      x = net.add(x, avgDown3d(net, input, dims[i + 1], tdown ? 2 : 1, down ? 2 : 1));
    }
  }
  const out = dims[levels];
  x = residualBlock(net, x, 'encoder.middle.0', out);
  x = net.attention(x, 'encoder.middle.1');
  x = residualBlock(net, x, 'encoder.middle.2', out);
  x = net.silu(net.rmsNorm(x, 'encoder.head.0', [out, 1, 1, 1]));
  return net.causalConv3(x, 'encoder.head.2', 2 * cfg.zDim);
}

/** Emits the encoder graph for one chunk of `frames` frames at (patchified) size h×w. */
export function buildEncoderChunk(net: Net, cfg: VaeConfig, frames: number, h: number, w: number): void {
  const cin = 3 * cfg.patchSize * cfg.patchSize;
  const x: V = { n: net.b.input('x', 'float32', [1, cin, frames, h, w]), s: [1, cin, frames, h, w] };
  const feats = net.conv1(encoderBody(net, cfg, x), 'conv1', 2 * cfg.zDim);
  net.b.output(net.slice(feats, 1, 0, cfg.zDim).n, 'mu');
  net.b.output(net.slice(feats, 1, cfg.zDim, 2 * cfg.zDim).n, 'logvar');
}
