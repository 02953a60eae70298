/**
 * DiT step benchmark: ms per denoising step (cond + uncond) of a small Wan DiT with random weights,
 * GFLOP per step (counted analytically), and the machine's ORT MatMul peak at the same thread count.
 *
 *   npx tsx test/bench/dit.bench.ts [--ep cpu|webgpu|cuda] [--json] [--threads 1,2] [--runs 5]
 *                                   [--sequential] [--unfused] [--no-prepack] [--profile prefix] [--no-torch]
 *
 * With PyTorch available to /usr/bin/python3 (Debian: apt-get install -y python3-torch), the same step also runs in
 * plain PyTorch eager fp32 (./dit_torch_eager.py, same config, batched like the ONNX step unless --sequential),
 * alternating with the ONNX runs, and a side-by-side table follows; `--no-torch` skips it. In --json mode each
 * per-thread object also has torch_ms_per_step and speedup_vs_torch (null when PyTorch did not run).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../nodes/runtime/onnx/builder';
import { createSession, ort, type ExecutionProvider } from '../../nodes/runtime/onnx/session';
import { writeSafetensors, type WritableTensor } from '../../nodes/runtime/safetensors/writer';
import { expectedDitShapes, type WanDitConfig } from '../../nodes/runtime/wan/layout/dit-config';
import { loadWanDit, type DitInput } from '../../nodes/runtime/wan/dit/model';
import { startTorchEager, torchAvailability, type TorchEagerWorker } from './torch-eager';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const ep = opt('ep', 'cpu') as ExecutionProvider;
const json = flag('json');
const threadList = opt('threads', '1,2').split(',').map(Number);
const runs = Math.max(5, Number(opt('runs', '5')));
const log = (...m: unknown[]): void => {
  if (!json) console.log(...m);
};
/** Notes that must not break --json output go to stderr there. */
const note = (m: string): void => {
  if (json) console.error(m);
  else console.log(m);
};

const config: WanDitConfig = {
  model_type: 't2v',
  patch_size: [1, 2, 2],
  text_len: 512,
  in_dim: 16,
  dim: 512,
  ffn_dim: 2048,
  freq_dim: 256,
  text_dim: 4096,
  out_dim: 16,
  num_heads: 8,
  num_layers: 4,
  window_size: [-1, -1],
  qk_norm: true,
  cross_attn_norm: true,
  eps: 1e-6,
};
const latent = [16, 3, 40, 52];

/** Deterministic pseudo-random normal-ish values (sum of uniforms), scaled. */
function randn(n: number, scale: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 0; k < 3; k++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      acc += (s >>> 0) / 4294967296;
    }
    out[i] = (acc - 1.5) * 2 * scale;
  }
  return out;
}

/** Multiply-adds of one sample's step (weights only touched once per token). */
function flopsPerSample(c: WanDitConfig, tokens: number): number {
  const { dim: d, ffn_dim: f, text_len: T } = c;
  const pprod = c.patch_size[0] * c.patch_size[1] * c.patch_size[2];
  const L = tokens;
  const block = 4 * L * d * d + 2 * L * L * d + 2 * L * d * d + 2 * L * T * d + 2 * L * d * f;
  const time = c.freq_dim * d + d * d + 6 * d * d; // one distinct timestep
  const macs = L * c.in_dim * pprod * d + time + c.num_layers * block + L * d * c.out_dim * pprod;
  return 2 * macs;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const PEAK = { M: 1560, K: 2048, N: 2048 };

/** A large MatMul with a constant weight (pre-packed like the model's), at the same thread count. */
async function matmulSession(threads: number): Promise<() => Promise<void>> {
  const { M, K, N } = PEAK;
  const g = new GraphBuilder({ name: 'peak' });
  const a = g.input('a', 'float32', [M, K]);
  const b = g.tensor('float32', [K, N], randn(K * N, 0.02, 7));
  g.output(g.op('MatMul', [a, b]), 'y');
  const s = await createSession(g.toBytes(), { ep, threads });
  const feed = { a: new ort.Tensor('float32', randn(M * K, 1, 3), [M, K]) };
  return async () => {
    await s.run(feed);
  };
}

/** Whether to run the PyTorch baseline: on unless --no-torch, and only when torch imports. */
function torchWanted(): boolean {
  if (flag('no-torch')) return false;
  const a = torchAvailability();
  if (!a.ok) {
    note(`PyTorch eager baseline skipped: ${a.reason}.`);
    return false;
  }
  note(
    `PyTorch eager baseline: torch ${a.version} (fp32, CPU, ${flag('sequential') ? 'two batch-1 forwards' : 'one batch-2 forward'} per step).`,
  );
  return true;
}

interface Row {
  threads: number;
  onnxMs: number;
  onnxCpuMs: number;
  torchMs?: number;
  torchCpuMs?: number;
}

function printTable(rows: Row[]): void {
  const withTorch = rows.filter((r) => r.torchMs !== undefined);
  if (withTorch.length === 0) return;
  const pad = (v: string, n: number): string => v.padStart(n);
  log('');
  log(
    `${pad('threads', 7)}  ${pad('ONNX ms/step', 12)}  ${pad('PyTorch eager ms/step', 21)}  ${pad('speed-up', 8)}  ${pad('speed-up (cpu time)', 19)}`,
  );
  for (const r of withTorch) {
    const tm = r.torchMs ?? NaN;
    const tc = r.torchCpuMs ?? NaN;
    log(
      `${pad(String(r.threads), 7)}  ${pad(r.onnxMs.toFixed(0), 12)}  ${pad(tm.toFixed(0), 21)}  ${pad(`${(tm / r.onnxMs).toFixed(2)}x`, 8)}  ${pad(`${(tc / r.onnxCpuMs).toFixed(2)}x`, 19)}`,
    );
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const withTorch = torchWanted();
  const rows: Row[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'dit-bench-'));
  try {
    const tensors: Record<string, WritableTensor> = {};
    let seed = 1;
    for (const [name, shape] of expectedDitShapes(config)) {
      const n = shape.reduce((x, y) => x * y, 1);
      const fanIn = shape.length > 1 ? shape.slice(1).reduce((x, y) => x * y, 1) : 1;
      const isNorm = /norm|modulation/.test(name);
      const data = isNorm
        ? randn(n, 0.1, seed++).map((v) => (name.includes('modulation') ? v : 1 + v))
        : randn(n, name.endsWith('bias') ? 0.05 : 1 / Math.sqrt(fanIn), seed++);
      tensors[name] = { dtype: 'F32', shape, data };
    }
    const weights = join(dir, 'weights.safetensors');
    await writeSafetensors(weights, tensors);
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));

    const [C, F, H, W] = latent as [number, number, number, number];
    const tokens = F * (H / 2) * (W / 2);
    const x = { dims: latent, data: randn(C * F * H * W, 1, 11) };
    const cond: DitInput = {
      x,
      t: 999,
      context: { dims: [97, config.text_dim], data: randn(97 * config.text_dim, 0.2, 12) },
    };
    const uncond: DitInput = {
      x,
      t: 999,
      context: { dims: [120, config.text_dim], data: randn(120 * config.text_dim, 0.2, 13) },
    };
    const gflop = (2 * flopsPerSample(config, tokens)) / 1e9;
    log(
      `Wan DiT bench: dim ${config.dim}, ffn ${config.ffn_dim}, ${config.num_heads} heads, ${config.num_layers} layers, text ${config.text_len}x${config.text_dim}, latent [${latent.join(', ')}] = ${tokens} tokens; ep ${ep}`,
    );
    log(`GFLOP per step (cond + uncond): ${gflop.toFixed(1)}`);

    for (const threads of threadList) {
      const dit = await loadWanDit(weights, {
        ep,
        threads,
        cacheDir: join(dir, 'cache'),
        fused: !flag('unfused'),
        disablePrepacking: flag('no-prepack'),
        profilePrefix: opt('profile', '') ? `${opt('profile', '')}-t${threads}` : undefined,
        log: (m) => log(m),
      });
      const peakRun = await matmulSession(threads);
      const stepOnce = async (): Promise<void> => {
        if (flag('sequential')) {
          await dit.forward(cond);
          await dit.forward(uncond);
        } else {
          await dit.forwardBatch([cond, uncond]);
        }
      };
      await stepOnce(); // warm-up (also computes the text K/V once)
      await stepOnce();
      await peakRun();
      let torch: TorchEagerWorker | undefined;
      if (withTorch) {
        try {
          torch = await startTorchEager({ threads, sequential: flag('sequential') }); // builds and warms up
          if (threads === threadList[0])
            note(
              `PyTorch BLAS: ${torch.ready.blas}${torch.ready.blas_warning ? ` — WARNING: ${torch.ready.blas_warning}` : ''}`,
            );
        } catch (e) {
          note(`PyTorch eager baseline skipped at ${threads} threads: ${(e as Error).message}`);
        }
      }
      // Step and peak runs alternate so that both see the same machine load.
      const times: number[] = [];
      const cpuTimes: number[] = [];
      const peakTimes: number[] = [];
      const peakCpu: number[] = [];
      const torchTimes: number[] = [];
      const torchCpu: number[] = [];
      const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
      for (let i = 0; i < runs; i++) {
        let c0 = process.cpuUsage();
        let t0 = performance.now();
        await stepOnce();
        times.push(performance.now() - t0);
        cpuTimes.push(cpuMs(process.cpuUsage(c0)));
        c0 = process.cpuUsage();
        t0 = performance.now();
        await peakRun();
        peakTimes.push(performance.now() - t0);
        peakCpu.push(cpuMs(process.cpuUsage(c0)));
        if (torch) {
          await pause(50); // let ORT's spinning workers go idle before the other process measures
          const r = await torch.step();
          torchTimes.push(r.ms);
          torchCpu.push(r.cpuMs);
          await pause(50);
        }
      }
      await torch?.close();
      await dit.dispose();
      const ms = median(times);
      const gflops = gflop / (ms / 1000);
      const peak = (2 * PEAK.M * PEAK.K * PEAK.N) / (median(peakTimes) / 1000) / 1e9;
      const torchMs = torchTimes.length > 0 ? median(torchTimes) : undefined;
      rows.push({
        threads,
        onnxMs: ms,
        onnxCpuMs: median(cpuTimes),
        torchMs,
        torchCpuMs: torchCpu.length > 0 ? median(torchCpu) : undefined,
      });
      if (json) {
        const vsTorch = {
          torch_ms_per_step: torchMs === undefined ? null : +torchMs.toFixed(1),
          speedup_vs_torch: torchMs === undefined ? null : +(torchMs / ms).toFixed(2),
        };
        console.log(
          JSON.stringify({
            config: { ...config, latent },
            threads,
            ms_per_step: +ms.toFixed(1),
            gflop_per_step: +gflop.toFixed(2),
            gflops: +gflops.toFixed(1),
            peak_gflops: +peak.toFixed(1),
            ...vsTorch,
          }),
        );
      } else {
        log(
          `threads ${threads}: ${ms.toFixed(0)} ms/step (runs: ${times.map((t) => t.toFixed(0)).join(', ')}), ${gflops.toFixed(1)} GFLOP/s, matmul peak ${peak.toFixed(1)} GFLOP/s → ${((100 * gflops) / peak).toFixed(0)} % of peak`,
        );
        // CPU time is robust against other processes competing for the cores (includes ORT's spinning threads).
        const cpuStep = median(cpuTimes);
        const cpuPeak = (2 * PEAK.M * PEAK.K * PEAK.N) / (median(peakCpu) / 1000) / 1e9;
        log(
          `  cpu time: ${cpuStep.toFixed(0)} ms/step → ${(gflop / (cpuStep / 1000)).toFixed(1)} GFLOP per cpu-s; matmul ${cpuPeak.toFixed(1)} GFLOP per cpu-s`,
        );
        if (torchMs !== undefined) {
          log(
            `  PyTorch eager: ${torchMs.toFixed(0)} ms/step (runs: ${torchTimes.map((t) => t.toFixed(0)).join(', ')}), cpu time ${median(torchCpu).toFixed(0)} ms/step, ${(gflop / (torchMs / 1000)).toFixed(1)} GFLOP/s`,
          );
        }
      }
    }
    printTable(rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
