/**
 * Encoder throughput: frames per second of a whole `encodeVideo` call (spawn, piping, encode,
 * faststart rewrite, rename) for 81-frame clips, median of N runs.
 *
 *   npx tsx test/bench/encode.bench.ts [--json] [--reps 3] [--formats mp4,webm] [--grain]
 *
 * Content: the animated test pattern; with --grain, ±12 levels of fixed pseudo-random noise are
 * added to every pixel (closer to a generated video's fine detail, and much harder to compress).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPatternFrames } from '../../nodes/runtime/image/test-pattern';
import { encodeVideo } from '../../nodes/runtime/video/encoder';
import type { VideoFormat } from '../../nodes/runtime/video/encode-options';
import { resolveFfmpeg } from '../../nodes/runtime/video/ffmpeg-path';
import type { ImageBatch } from '../../nodes/sdk';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const json = flag('--json');
const grain = flag('--grain');
const reps = Math.max(1, Number(opt('--reps', '3')));
const formats = opt('--formats', 'mp4,webm').split(',') as VideoFormat[];
const sizes: [number, number][] = [
  [832, 480],
  [1280, 704],
];
const FRAMES = 81;

function addGrain(b: ImageBatch): ImageBatch {
  let s = 2463534242;
  const d = b.data;
  for (let i = 0; i < d.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const v = d[i] + (((s >>> 0) % 25) - 12);
    d[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return b;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ff = await resolveFfmpeg();
const dir = await mkdtemp(join(tmpdir(), 'wan-encode-bench-'));
const results: {
  format: VideoFormat;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  mb: number;
}[] = [];
try {
  for (const [w, h] of sizes) {
    let frames = testPatternFrames({ width: w, height: h, frames: FRAMES, pattern: 'bars' });
    if (grain) frames = addGrain(frames);
    for (const format of formats) {
      const times: number[] = [];
      let bytes = 0;
      for (let r = 0; r < reps; r++) {
        const out = join(dir, `b-${w}x${h}-${r}.${format}`);
        const t0 = performance.now();
        const res = await encodeVideo({
          frames,
          fps: 16,
          format,
          outPath: out,
          metadata: { workflow: '{"bench":true}' },
        });
        times.push((performance.now() - t0) / 1000);
        bytes = res.bytes;
        await rm(out);
      }
      const seconds = median(times);
      const row = { format, width: w, height: h, fps: FRAMES / seconds, seconds, mb: bytes / 1e6 };
      results.push(row);
      if (!json) {
        console.log(
          `${format.padEnd(4)} ${`${w}×${h}`.padEnd(9)} ${row.fps.toFixed(1).padStart(6)} frames/s  ` +
            `(median ${seconds.toFixed(2)} s of ${times.map((t) => t.toFixed(2)).join(', ')}; ${row.mb.toFixed(2)} MB)`,
        );
      }
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const summary = {
  ffmpeg: ff.version,
  ffmpegSource: ff.source,
  cpus: availableParallelism(),
  frames: FRAMES,
  reps,
  content: grain ? 'test pattern + grain' : 'test pattern',
  results: results.map((r) => ({
    ...r,
    fps: Math.round(r.fps * 10) / 10,
    seconds: Math.round(r.seconds * 1000) / 1000,
  })),
};
if (json) console.log(JSON.stringify(summary));
else console.log(`ffmpeg: ${ff.version} (${ff.source}); ${summary.cpus} CPUs; ${summary.content}`);
