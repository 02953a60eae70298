/**
 * The VAE building blocks over `Net`, with the official per-chunk cache rules:
 * ResidualBlock, Resample (up/down, 2-D/3-D) and the Wan 2.2 shortcuts AvgDown3D / DupUp3D.
 */
import { VaeError } from '../errors';
import type { Net, V } from './net';

/** `ResidualBlock`: RMS_norm → SiLU → CausalConv3d → RMS_norm → SiLU → CausalConv3d, + shortcut. */
export function residualBlock(net: Net, x: V, key: string, out: number): V {
  const cin = x.s[1];
  const short = cin !== out ? net.conv1(x, `${key}.shortcut`, out) : x;
  let h = net.rmsNorm(x, `${key}.residual.0`, [cin, 1, 1, 1]);
  h = net.causalConv3(net.silu(h), `${key}.residual.2`, out);
  h = net.rmsNorm(h, `${key}.residual.3`, [out, 1, 1, 1]);
  h = net.causalConv3(net.silu(h), `${key}.residual.6`, out);
  return net.add(h, short);
}

export type ResampleMode = 'upsample2d' | 'upsample3d' | 'downsample2d' | 'downsample3d';

/** Nearest ×2 in H and W (`nearest-exact` at an integer factor: output i reads input i >> 1). */
function upsampleNearest2x(net: Net, x: V): V {
  const [n, c, t, h, w] = x.s as [number, number, number, number, number];
  const scales = net.b.constF32([1, 1, 1, 2, 2]);
  return net.op('Resize', [x.n, '', scales], [n, c, t, 2 * h, 2 * w], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}

/**
 * `Resample`. `outDim` is the channel count after the 2-D conv (2.1 upsampling halves it, 2.2
 * keeps it). Cache rules:
 * - upsample3d: the first chunk skips time_conv (the official 'Rep' marker) and the next chunk's
 *   time_conv sees zero history; later chunks run time_conv (C → 2C) over the cached 2 frames +
 *   the chunk and interleave the two halves as consecutive frames (T → 2T).
 * - downsample3d: after the 2-D conv, the first chunk passes through and caches its last frame;
 *   later chunks run time_conv (stride 2, no padding) over [cached last frame, chunk].
 */
export function resample(net: Net, x: V, key: string, mode: ResampleMode, outDim: number): V {
  const [, c, , h, w] = x.s as [number, number, number, number, number];
  if (mode === 'upsample3d') {
    const slot = net.cache([1, c, 2, h, w], `${key}.time_conv`);
    if (!slot.input) {
      slot.commit(net.zeros([1, c, 2, h, w]));
    } else {
      const ext = net.concat([slot.input, x], 2);
      slot.commit(net.slice(ext, 2, -2, ext.s[2]));
      const tc = net.conv(ext, `${key}.time_conv`, 2 * c, [3, 1, 1]);
      const t = tc.s[2];
      const split = net.reshape(tc, [1, 2, c, t, h, w]);
      x = net.reshape(net.transpose(split, [0, 2, 3, 1, 4, 5]), [1, c, 2 * t, h, w]);
    }
  }
  if (mode === 'upsample2d' || mode === 'upsample3d') {
    const up = upsampleNearest2x(net, x);
    return net.conv(up, `${key}.resample.1`, outDim, [1, 3, 3], { pads: [0, 1, 1, 0, 1, 1], conv2d: true });
  }
  // ZeroPad2d((0, 1, 0, 1)) then a stride-2 3×3 conv.
  let y = net.conv(x, `${key}.resample.1`, c, [1, 3, 3], {
    pads: [0, 0, 0, 0, 1, 1],
    strides: [1, 2, 2],
    conv2d: true,
  });
  if (mode === 'downsample3d') {
    const [, , , h2, w2] = y.s as [number, number, number, number, number];
    const slot = net.cache([1, c, 1, h2, w2], `${key}.time_conv`);
    const last = net.slice(y, 2, -1, y.s[2]);
    if (slot.input) {
      const ext = net.concat([slot.input, y], 2);
      y = net.conv(ext, `${key}.time_conv`, c, [3, 1, 1], { strides: [2, 1, 1] });
    }
    slot.commit(last);
  }
  return y;
}

/**
 * Wan 2.2 `AvgDown3D`: pads time in front to a multiple of `ft`, folds each ft×fs×fs block into
 * channels (`c*F + a*fs*fs + b*fs + d`) and averages consecutive groups of `Cin*F/Cout` of them.
 */
export function avgDown3d(net: Net, x: V, cout: number, ft: number, fs: number): V {
  const [, cin, t0, h, w] = x.s as [number, number, number, number, number];
  const factor = ft * fs * fs;
  if ((cin * factor) % cout !== 0)
    throw new VaeError(`AvgDown3D: ${cin}×${factor} channels do not split into ${cout} groups.`);
  if (h % fs !== 0 || w % fs !== 0)
    throw new VaeError(`The VAE input size does not divide evenly at a downsampling level (${h}×${w}).`);
  const group = (cin * factor) / cout;
  const padded = net.padTimeFront(x, (ft - (t0 % ft)) % ft);
  const t = padded.s[2] / ft;
  const blocks = net.reshape(padded, [1, cin, t, ft, h / fs, fs, w / fs, fs]);
  const moved = net.transpose(blocks, [0, 1, 3, 5, 7, 2, 4, 6]);
  const grouped = net.reshape(moved, [1, cout, group, t, h / fs, w / fs]);
  if (group === 1) return net.reshape(grouped, [1, cout, t, h / fs, w / fs]);
  return net.op('ReduceMean', [grouped.n, net.ints([2])], [1, cout, t, h / fs, w / fs], { keepdims: 0 });
}

/**
 * Wan 2.2 `DupUp3D`: repeats each input channel `Cout*F/Cin` times, unfolds channel
 * `o*F + a*fs*fs + b*fs + d` into frame offset a, row offset b, column offset d; the first chunk
 * drops the first `ft - 1` frames.
 */
export function dupUp3d(net: Net, x: V, cout: number, ft: number, fs: number): V {
  const [, cin, t, h, w] = x.s as [number, number, number, number, number];
  const factor = ft * fs * fs;
  if ((cout * factor) % cin !== 0)
    throw new VaeError(`DupUp3D: ${cout}×${factor} channels are not a multiple of ${cin}.`);
  const repeats = (cout * factor) / cin;
  let y = x;
  if (repeats > 1) {
    const idx = Array.from({ length: cout * factor }, (_, j) => Math.floor(j / repeats));
    y = net.op('Gather', [x.n, net.ints(idx)], [1, cout * factor, t, h, w], { axis: 1 });
  }
  const blocks = net.reshape(y, [1, cout, ft, fs, fs, t, h, w]);
  const moved = net.transpose(blocks, [0, 1, 5, 2, 6, 3, 7, 4]);
  let out = net.reshape(moved, [1, cout, t * ft, h * fs, w * fs]);
  if (net.first && ft > 1) out = net.slice(out, 2, ft - 1, out.s[2]);
  return out;
}
