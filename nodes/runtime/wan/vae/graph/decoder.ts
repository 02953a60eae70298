/**
 * The decoder chunk graph (`WanVAE_.conv2` + `Decoder3d`) of the Wan 2.1 and 2.2 VAEs.
 * Input `z` `[1, z_dim, 1, h, w]`: ONE latent frame, already un-normalised; output `video`
 * `[1, 3·p², T, H/p, W/p]` (T = 1 on the first chunk, the time stride afterwards; 2.2 still
 * patchified) and the caches `cache_next.N` for the next chunk.
 */
import type { VaeConfig } from '../config';
import { dupUp3d, residualBlock, resample } from './blocks';
import type { Net, V } from './net';

function decoderBody(net: Net, cfg: VaeConfig, x: V): V {
  const mult = cfg.dimMult;
  const dims = [mult[mult.length - 1], ...mult.slice().reverse()].map((m) => cfg.decDim * m);
  const levels = mult.length;
  const tup = cfg.temperalDownsample.slice().reverse(); // official: temperal_downsample[::-1]
  x = net.causalConv3(x, 'decoder.conv1', dims[0]);
  x = residualBlock(net, x, 'decoder.middle.0', dims[0]);
  x = net.attention(x, 'decoder.middle.1');
  x = residualBlock(net, x, 'decoder.middle.2', dims[0]);
  if (cfg.version === '2.1') {
    let scale = 1 / 2 ** (levels - 2);
    let j = 0;
    for (let i = 0; i < levels; i++) {
      const out = dims[i + 1];
      for (let r = 0; r < cfg.numResBlocks + 1; r++) {
        x = residualBlock(net, x, `decoder.upsamples.${j++}`, out);
        if (cfg.attnScales.includes(scale)) x = net.attention(x, `decoder.upsamples.${j++}`);
      }
      if (i !== levels - 1) {
        // 2.1's upsampling conv halves the channels.
        x = resample(
          net,
          x,
          `decoder.upsamples.${j++}`,
          tup[i] ? 'upsample3d' : 'upsample2d',
          Math.floor(out / 2),
        );
        scale *= 2;
      }
    }
  } else {
    for (let i = 0; i < levels; i++) {
      const key = `decoder.upsamples.${i}`;
      const out = dims[i + 1];
      const up = i !== levels - 1;
      const tu = up && (tup[i] ?? false);
      const input = x;
      for (let r = 0; r < cfg.numResBlocks + 1; r++) x = residualBlock(net, x, `${key}.upsamples.${r}`, out);
      if (up) {
        x = resample(
          net,
          x,
          `${key}.upsamples.${cfg.numResBlocks + 1}`,
          tu ? 'upsample3d' : 'upsample2d',
          out,
        );
        x = net.add(x, dupUp3d(net, input, out, tu ? 2 : 1, 2));
      }
    }
  }
  const last = x.s[1];
  x = net.silu(net.rmsNorm(x, 'decoder.head.0', [last, 1, 1, 1]));
  return net.causalConv3(x, 'decoder.head.2', 3 * cfg.patchSize * cfg.patchSize);
}

/** Emits the decoder graph for one latent frame at latent size h×w. */
export function buildDecoderChunk(net: Net, cfg: VaeConfig, h: number, w: number): void {
  const z: V = { n: net.b.input('z', 'float32', [1, cfg.zDim, 1, h, w]), s: [1, cfg.zDim, 1, h, w] };
  const video = decoderBody(net, cfg, net.conv1(z, 'conv2', cfg.zDim));
  net.b.output(video.n, 'video', { dims: video.s });
}
