/**
 * Reads the VAE version and architecture from the tensor names and shapes of a checkpoint, so
 * that a bare `.safetensors` file (no config.json) loads. Keys are the official `WanVAE_`
 * `state_dict()` names, optionally under one common prefix (e.g. `vae.`).
 */
import { defaultConfig, validateVaeConfig, type VaeConfig, type VaeVersion } from './config';
import { VaeError } from './errors';

export type ShapeMap = ReadonlyMap<string, readonly number[]>;

const ANCHOR = 'decoder.head.2.weight';

/** The prefix in front of the official key names ('' when none). */
export function findKeyPrefix(shapes: ShapeMap, file: string): string {
  for (const k of shapes.keys()) {
    if (k.endsWith(ANCHOR) && shapes.has(`${k.slice(0, -ANCHOR.length)}encoder.conv1.weight`))
      return k.slice(0, -ANCHOR.length);
  }
  const diffusers = [...shapes.keys()].some(
    (k) => k.includes('decoder.conv_out.') || k.includes('encoder.conv_in.'),
  );
  throw new VaeError(
    diffusers
      ? `${file} looks like a diffusers AutoencoderKLWan checkpoint; this loader reads the official Wan VAE layout (keys such as "${ANCHOR}").`
      : `${file} is not a Wan VAE checkpoint: it has no "${ANCHOR}" / "encoder.conv1.weight" tensors.`,
    file,
  );
}

function shapeOf(shapes: ShapeMap, key: string, file: string): readonly number[] {
  const s = shapes.get(key);
  if (!s) throw new VaeError(`${file}: the tensor "${key}" is missing.`, file);
  return s;
}

/** '2.2' when the encoder takes a patchified (12-channel) input, '2.1' when it takes RGB. */
export function detectVaeVersion(
  shapes: ShapeMap,
  file: string,
  prefix = findKeyPrefix(shapes, file),
): VaeVersion {
  const conv1 = shapeOf(shapes, `${prefix}encoder.conv1.weight`, file);
  if (conv1[1] === 3) return '2.1';
  if (conv1[1] === 12) return '2.2';
  throw new VaeError(
    `${file}: "${prefix}encoder.conv1.weight" takes ${conv1[1]} input channels; a Wan 2.1 VAE takes 3 and a Wan 2.2 VAE 12.`,
    file,
  );
}

/** Sorted distinct integers N for which some key starts with `${head}N.`. */
function indices(shapes: ShapeMap, head: string): number[] {
  const out = new Set<number>();
  for (const k of shapes.keys()) {
    if (!k.startsWith(head)) continue;
    const m = /^(\d+)\./.exec(k.slice(head.length));
    if (m) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Infers the architecture from the shapes. Widths, z_dim, levels, residual-block counts,
 * temporal downsampling and (2.1) attention levels all show in the tensors; the latent statistics
 * are the official ones for the version.
 */
export function inferVaeConfig(shapes: ShapeMap, file: string, version?: VaeVersion): VaeConfig {
  const prefix = findKeyPrefix(shapes, file);
  const v = version ?? detectVaeVersion(shapes, file, prefix);
  const cfg = defaultConfig(v);
  const key = (k: string): string => `${prefix}${k}`;
  const dim = shapeOf(shapes, key('encoder.conv1.weight'), file)[0];
  const zDim = shapeOf(shapes, key('conv2.weight'), file)[0];
  const dimMult: number[] = [];
  const temporal: boolean[] = [];
  const attnScales: number[] = [];
  let numResBlocks = 0;
  if (v === '2.1') {
    // encoder.downsamples is flat: per level numRes residual blocks (+attention), then a Resample.
    let level = 0;
    let resInLevel = 0;
    let width = dim;
    for (const i of indices(shapes, key('encoder.downsamples.'))) {
      const p = key(`encoder.downsamples.${i}.`);
      if (shapes.has(`${p}residual.2.weight`)) {
        width = shapes.get(`${p}residual.2.weight`)![0]!;
        resInLevel++;
      } else if (shapes.has(`${p}to_qkv.weight`)) {
        const scale = 1 / 2 ** level;
        if (!attnScales.includes(scale)) attnScales.push(scale);
      } else if (shapes.has(`${p}resample.1.weight`)) {
        dimMult.push(width / dim);
        temporal.push(shapes.has(`${p}time_conv.weight`));
        numResBlocks = resInLevel;
        resInLevel = 0;
        level++;
      }
    }
    dimMult.push(width / dim);
    if (numResBlocks === 0) numResBlocks = resInLevel;
  } else {
    for (const i of indices(shapes, key('encoder.downsamples.'))) {
      const p = key(`encoder.downsamples.${i}.downsamples.`);
      const inner = indices(shapes, p);
      let width = dim;
      let res = 0;
      let timeConv = false;
      for (const j of inner) {
        const w = shapes.get(`${p}${j}.residual.2.weight`);
        if (w) {
          width = w[0]!;
          res++;
        }
        if (shapes.has(`${p}${j}.time_conv.weight`)) timeConv = true;
      }
      dimMult.push(width / dim);
      temporal.push(timeConv);
      if (i === 0) numResBlocks = res;
    }
  }
  const levels = dimMult.length - 1;
  const inferred: VaeConfig = {
    ...cfg,
    dim,
    decDim:
      v === '2.1'
        ? dim
        : shapeOf(shapes, key('decoder.conv1.weight'), file)[0] / (dimMult[dimMult.length - 1] ?? 1),
    zDim,
    dimMult,
    numResBlocks,
    attnScales,
    temperalDownsample: temporal
      .slice(0, levels)
      .concat(Array<boolean>(Math.max(0, levels - temporal.length)).fill(false)),
  };
  if (!dimMult.every((m) => Number.isInteger(m) && m > 0) || !Number.isInteger(inferred.decDim)) {
    throw new VaeError(
      `${file}: the encoder/decoder widths do not follow the Wan VAE layout (width multipliers ${dimMult.join(', ')}).`,
      file,
    );
  }
  validateVaeConfig(inferred, file);
  return inferred;
}
