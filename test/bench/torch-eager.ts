/**
 * The PyTorch eager baseline of the DiT bench: `dit_torch_eager.py --serve` runs in a child process (Debian's
 * /usr/bin/python3 with python3-torch) and times one step per "step" line, so that the bench can alternate ONNX
 * and PyTorch measurements under the same machine load.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's python (the `python3` on PATH may be a pyenv build without torch). */
export const TORCH_PYTHON = process.env.WAN_BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./dit_torch_eager.py', import.meta.url));

export type TorchAvailability = { ok: true; version: string } | { ok: false; reason: string };

/** Whether `python -c "import torch"` works; when not, a sentence saying why. */
export function torchAvailability(python = TORCH_PYTHON): TorchAvailability {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) return { ok: false, reason: `cannot run ${python} (${r.error.message})` };
  if (r.status !== 0) {
    const last = (r.stderr || '').trim().split('\n').pop() ?? '';
    return {
      ok: false,
      reason: `${python} cannot import torch (${last || `exit status ${String(r.status)}`}); install it with: apt-get install -y python3-torch`,
    };
  }
  return { ok: true, version: r.stdout.trim() };
}

export interface TorchReady {
  threads: number;
  torch: string;
  /** The BLAS library torch's matmuls use, and a warning when it is the slow reference one. */
  blas: string;
  blas_warning: string | null;
  sdpa: boolean;
  batched: boolean;
  cache_text: boolean;
}

export interface TorchStep {
  ms: number;
  cpuMs: number;
}

export interface TorchEagerWorker {
  ready: TorchReady;
  /** Runs one DiT step (cond + uncond) in PyTorch and returns its wall and CPU time. */
  step(): Promise<TorchStep>;
  close(): Promise<void>;
}

export interface TorchEagerOptions {
  threads: number;
  /** Two batch-1 forwards per step instead of one batch-2 forward (mirrors the bench's --sequential). */
  sequential?: boolean;
  python?: string;
}

/** Starts the PyTorch worker, builds its random-weight model and warms it up (two steps). */
export async function startTorchEager(o: TorchEagerOptions): Promise<TorchEagerWorker> {
  const python = o.python ?? TORCH_PYTHON;
  const argv = [SCRIPT, '--serve', '--threads', String(o.threads), ...(o.sequential ? ['--sequential'] : [])];
  const child: ChildProcessWithoutNullStreams = spawn(python, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-2000);
  });
  const waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  const failure = (why: string): Error =>
    new Error(
      `PyTorch baseline (${python} ${SCRIPT}) ${why}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
    );
  let exited: Error | undefined;
  child.on('error', (e) => {
    exited = failure(`could not start (${e.message})`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  child.on('exit', (code, signal) => {
    exited = failure(`exited (${signal ?? `status ${String(code)}`})`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  const nextLine = (): Promise<string> =>
    exited ? Promise.reject(exited) : new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const parse = (line: string): Record<string, unknown> => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw failure(`printed a line that is not JSON: ${line.slice(0, 200)}`);
    }
  };

  let ready: TorchReady & { ready?: boolean };
  try {
    ready = parse(await nextLine()) as unknown as TorchReady & { ready?: boolean };
    if (!ready.ready) throw failure(`did not report ready`);
  } catch (e) {
    if (!exited) child.kill();
    throw e;
  }
  return {
    ready,
    async step(): Promise<TorchStep> {
      const reply = nextLine();
      child.stdin.write('step\n');
      const r = parse(await reply);
      if (typeof r.ms !== 'number') throw failure(`answered a step with ${JSON.stringify(r)}`);
      return { ms: r.ms, cpuMs: typeof r.cpu_ms === 'number' ? r.cpu_ms : NaN };
    },
    async close(): Promise<void> {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end('quit\n');
      await done;
    },
  };
}
