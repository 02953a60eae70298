/**
 * Float64 tables fed to the DiT graph (the official code computes them in float64, then the
 * results are rounded to float32): the sinusoidal timestep embedding and the 3D RoPE cos/sin.
 */

/**
 * `sinusoidal_embedding_1d(freqDim, t)` for each timestep: row = [cos(t·ω_i) | sin(t·ω_i)],
 * ω_i = 10000^(−i/half), i < half = freqDim/2. Raw timesteps (0…1000), not sigmas.
 */
export function timestepSinusoid(timesteps: ArrayLike<number>, freqDim: number): Float32Array {
  if (freqDim % 2 !== 0) throw new Error(`freq_dim must be even, got ${freqDim}.`);
  const half = freqDim / 2;
  const out = new Float32Array(timesteps.length * freqDim);
  const omega = new Float64Array(half);
  for (let i = 0; i < half; i++) omega[i] = Math.pow(10000, -i / half);
  for (let r = 0; r < timesteps.length; r++) {
    const t = timesteps[r];
    const row = r * freqDim;
    for (let i = 0; i < half; i++) {
      const a = t * omega[i];
      out[row + i] = Math.cos(a);
      out[row + half + i] = Math.sin(a);
    }
  }
  return out;
}

/** Complex pairs per axis (f, h, w) for a head dimension: [c − 2(c//3), c//3, c//3], c = headDim/2. */
export function ropeSplit(headDim: number): [number, number, number] {
  if (headDim % 2 !== 0)
    throw new Error(`the attention head dimension must be even for RoPE, got ${headDim}.`);
  const c = headDim / 2;
  const third = Math.floor(c / 3);
  return [c - 2 * third, third, third];
}

/**
 * RoPE angle tables for a token grid (f, h, w), tokens in (f, h, w) row-major order:
 * cos and sin, each [f·h·w, headDim/2]. Columns are the f pairs, then h, then w. Pair j of an axis
 * with n pairs turns by position · 10000^(−j/n) (rope_params(…, 2n) of the official code).
 */
export function ropeTables(
  grid: readonly [number, number, number],
  headDim: number,
): { cos: Float32Array; sin: Float32Array } {
  const split = ropeSplit(headDim);
  const half = headDim / 2;
  const freqs = split.map((n) =>
    Float64Array.from({ length: n }, (_, j) => 1 / Math.pow(10000, (2 * j) / (2 * n))),
  );
  const [F, H, W] = grid;
  const L = F * H * W;
  const cos = new Float32Array(L * half);
  const sin = new Float32Array(L * half);
  let tok = 0;
  for (let f = 0; f < F; f++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++, tok++) {
        const pos = [f, h, w];
        let col = tok * half;
        for (let axis = 0; axis < 3; axis++) {
          const fr = freqs[axis];
          for (let j = 0; j < fr.length; j++, col++) {
            const a = pos[axis] * fr[j];
            cos[col] = Math.cos(a);
            sin[col] = Math.sin(a);
          }
        }
      }
  return { cos, sin };
}

/**
 * Deduplicates per-token timesteps: `values` are the distinct timesteps (first-seen order) and
 * `index[k]` the row of token k. A single distinct value gives index [0] (broadcast to every token).
 */
export function uniqueTimesteps(perToken: ArrayLike<number>): { values: number[]; index: BigInt64Array } {
  const values: number[] = [];
  const pos = new Map<number, number>();
  const index = new BigInt64Array(perToken.length);
  for (let k = 0; k < perToken.length; k++) {
    const t = perToken[k];
    let i = pos.get(t);
    if (i === undefined) {
      i = values.length;
      values.push(t);
      pos.set(t, i);
    }
    index[k] = BigInt(i);
  }
  return values.length === 1 ? { values, index: BigInt64Array.of(0n) } : { values, index };
}
