/**
 * Pixels ↔ tensors for the Wan VAEs: 8-bit RGB frames to [3, T, H, W] floats in [-1, 1] (as
 * `TF.to_tensor(img).sub_(0.5).div_(0.5)`), decoded videos back to 8-bit frames, and the
 * cover-resize + centre-crop that fits an input image to the requested video size.
 */
import type { ImageBatch, Tensor } from '../../../sdk';

const f = Math.fround;

/** One 8-bit value → [-1, 1] exactly as torchvision + sub/div do in float32. */
export function u8ToSigned(v: number): number {
  return f(f(f(v / 255) - 0.5) / 0.5);
}

/** Frames [count, H, W, 3] (u8) → video tensor [3, count, H, W] in [-1, 1]. */
export function imagesToVideo(images: ImageBatch): Tensor {
  const { width: W, height: H, count: T, data } = images;
  const plane = H * W;
  const out = new Float32Array(3 * T * plane);
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = u8ToSigned(v);
  for (let t = 0; t < T; t++) {
    const src = t * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[(c * T + t) * plane + p] = lut[data[src + p * 3 + c]];
    }
  }
  return { dims: [3, T, H, W], data: out };
}

/** Video tensor [3, T, H, W] in [-1, 1] → 8-bit frames (values outside are clamped; fps unset). */
export function videoToImages(video: Tensor): ImageBatch {
  const [C, T, H, W] = video.dims as [number, number, number, number];
  if (video.dims.length !== 4 || C !== 3) {
    throw new Error(`A decoded video must be [3, frames, height, width]; got [${video.dims.join(', ')}].`);
  }
  const plane = H * W;
  const data = new Uint8Array(T * plane * 3);
  const v = video.data;
  for (let t = 0; t < T; t++) {
    const dst = t * plane * 3;
    for (let c = 0; c < 3; c++) {
      const src = (c * T + t) * plane;
      for (let p = 0; p < plane; p++) {
        const x = Math.round(((v[src + p] + 1) / 2) * 255);
        data[dst + p * 3 + c] = x < 0 ? 0 : x > 255 ? 255 : x;
      }
    }
  }
  return { kind: 'image', width: W, height: H, count: T, data };
}

function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (x <= -3 || x >= 3) return 0;
  const px = Math.PI * x;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}

/**
 * Per output index: the first source index and normalised weights of a Lanczos-3 filter
 * (widened by the scale when shrinking, so downsizing does not alias), pixel centres aligned.
 */
function filterTaps(src: number, dst: number, scale: number): { start: Int32Array; weights: Float64Array[] } {
  const support = 3 * Math.max(1, 1 / scale);
  const stretch = Math.max(1, 1 / scale);
  const start = new Int32Array(dst);
  const weights: Float64Array[] = [];
  for (let i = 0; i < dst; i++) {
    const center = (i + 0.5) / scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(src - 1, Math.ceil(center + support));
    const w = new Float64Array(hi - lo + 1);
    let sum = 0;
    for (let j = lo; j <= hi; j++) {
      const k = lanczos3((j + 0.5 - center) / stretch);
      w[j - lo] = k;
      sum += k;
    }
    for (let j = 0; j < w.length; j++) w[j] /= sum;
    start[i] = lo;
    weights.push(w);
  }
  return { start, weights };
}

/**
 * Scales one RGB frame so it covers dw×dh (keeping its aspect ratio), then crops the centre,
 * like the official TI2V preprocessing (LANCZOS resize + centre crop). Same size: an exact copy.
 */
export function resizeCoverRgb(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (src.length !== sw * sh * 3)
    throw new Error(`resize: ${src.length} bytes are not a ${sw}×${sh} RGB image.`);
  if (sw === dw && sh === dh) return src.slice();
  const scale = Math.max(dw / sw, dh / sh);
  const rw = Math.max(dw, Math.round(sw * scale));
  const rh = Math.max(dh, Math.round(sh * scale));
  const x0 = Math.floor((rw - dw) / 2);
  const y0 = Math.floor((rh - dh) / 2);
  const sx = rw / sw;
  const sy = rh / sh;
  const hx = filterTaps(sw, rw, sx);
  const hy = filterTaps(sh, rh, sy);
  // Horizontal pass over the kept columns only, into float rows.
  const tmp = new Float64Array(sh * dw * 3);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < dw; x++) {
      const w = hx.weights[x + x0];
      const s = hx.start[x + x0];
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++) {
        const o = (y * sw + s + k) * 3;
        r += w[k] * src[o];
        g += w[k] * src[o + 1];
        b += w[k] * src[o + 2];
      }
      const o = (y * dw + x) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  const out = new Uint8Array(dw * dh * 3);
  for (let y = 0; y < dh; y++) {
    const w = hy.weights[y + y0];
    const s = hy.start[y + y0];
    for (let x = 0; x < dw; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < w.length; k++) acc += w[k] * tmp[((s + k) * dw + x) * 3 + c];
        const v = Math.round(acc);
        out[(y * dw + x) * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return out;
}

/** Frame `index` of a batch, fitted to width×height (cover + centre crop), as [3, H, W] in [-1, 1]. */
export function imageForVideo(images: ImageBatch, width: number, height: number, index = 0): Tensor {
  if (images.count < 1) throw new Error('The image batch is empty.');
  const n = images.width * images.height * 3;
  const frame = images.data.subarray(index * n, (index + 1) * n);
  const rgb = resizeCoverRgb(frame, images.width, images.height, width, height);
  const t = imagesToVideo({ kind: 'image', width, height, count: 1, data: rgb });
  return { dims: [3, height, width], data: t.data };
}
