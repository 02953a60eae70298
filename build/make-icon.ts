/**
 * Draws the app icon (build/icon.png, 512×512) with pngjs: a rounded dark tile with a gradient,
 * a wave (Wan) and three graph nodes joined by it. Run: tsx build/make-icon.ts [out.png]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

const SIZE = 512;

/** Coverage (0..1) of a shape at signed distance `d` (negative inside), 1-px antialiasing. */
const cover = (d: number) => Math.min(1, Math.max(0, 0.5 - d));

function roundedRectDistance(x: number, y: number, half: number, radius: number): number {
  const qx = Math.abs(x) - (half - radius);
  const qy = Math.abs(y) - (half - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

const wave = (x: number) => 256 + 70 * Math.sin(((x - 96) / 320) * 2 * Math.PI);

export function drawIcon(): PNG {
  const png = new PNG({ width: SIZE, height: SIZE });
  const nodes = [96, 256, 416].map((x) => ({ x, y: wave(x) }));
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const tile = cover(roundedRectDistance(px - 256, py - 256, 240, 96));
      // Background gradient: indigo (top-left) → violet (bottom-right).
      const t = (px + py) / (2 * SIZE);
      let r = 40 + 70 * t;
      let g = 44 + 10 * t;
      let b = 110 + 90 * t;
      // The wave: distance to the curve, measured along the normal of a local linearisation.
      const slope = (wave(px + 0.5) - wave(px - 0.5)) / 1;
      const waveDist = Math.abs(py - wave(px)) / Math.hypot(1, slope) - 14;
      const onWave = px > 96 && px < 416 ? cover(waveDist) : 0;
      r += (236 - r) * onWave;
      g += (240 - g) * onWave;
      b += (255 - b) * onWave;
      for (const n of nodes) {
        const ring = cover(Math.hypot(px - n.x, py - n.y) - 44);
        r += (255 - r) * ring;
        g += (255 - g) * ring;
        b += (255 - b) * ring;
        const core = cover(Math.hypot(px - n.x, py - n.y) - 26);
        r += (255 - r) * core;
        g += (170 - g) * core;
        b += (60 - b) * core;
      }
      const i = (y * SIZE + x) * 4;
      png.data[i] = Math.round(r);
      png.data[i + 1] = Math.round(g);
      png.data[i + 2] = Math.round(b);
      png.data[i + 3] = Math.round(255 * tile);
    }
  }
  return png;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = resolve(process.argv[2] ?? fileURLToPath(new URL('./icon.png', import.meta.url)));
  writeFileSync(out, PNG.sync.write(drawIcon()));
  console.log(`wrote ${out}`);
}
