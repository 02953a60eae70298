/**
 * Starts the engine as an Electron utility process and connects to it with a MessageChannelMain:
 * the init message carries one end of the channel; requests and answers use the other.
 */
import type { ElectronLike } from './electron-like';
import type { EngineInit, EngineToMain } from './engine-protocol';
import type { EngineConnection } from './engine-supervisor';

export interface SpawnEngineOptions {
  /** The built engine entry (dist/electron/engine-process.js). */
  modulePath: string;
  init: EngineInit;
  env: Record<string, string | undefined>;
  log(line: string): void;
}

export function spawnEngineProcess(
  e: Pick<ElectronLike, 'utilityProcess' | 'MessageChannelMain'>,
  o: SpawnEngineOptions,
): EngineConnection {
  const { port1, port2 } = new e.MessageChannelMain();
  const child = e.utilityProcess.fork(o.modulePath, [], {
    serviceName: 'Wan Studio Engine',
    stdio: 'pipe',
    env: Object.fromEntries(
      Object.entries(o.env).filter((kv): kv is [string, string] => kv[1] !== undefined),
    ),
  });
  const pipe = (prefix: string) => (chunk: Buffer | string) => {
    for (const line of String(chunk).split('\n')) if (line.trim() !== '') o.log(`${prefix} ${line}`);
  };
  child.stdout?.on('data', pipe('[engine]'));
  child.stderr?.on('data', pipe('[engine:err]'));
  child.postMessage(o.init, [port2]);
  port1.start();
  return {
    post: (m) => port1.postMessage(m),
    onMessage: (listener) => port1.on('message', (ev) => listener(ev.data as EngineToMain)),
    onExit: (listener) =>
      child.on('exit', (code) => {
        port1.close();
        listener(code);
      }),
    kill: () => {
      child.kill();
    },
  };
}

/**
 * The engine's environment: in a packaged app the ffmpeg shipped in resources/ is used unless
 * the user set FFMPEG_PATH (the ffmpegPath setting still wins inside the engine).
 */
export function engineEnv(
  env: Record<string, string | undefined>,
  bundledFfmpeg: string | undefined,
): Record<string, string | undefined> {
  const out = { ...env };
  if (bundledFfmpeg && !env.FFMPEG_PATH?.trim()) out.FFMPEG_PATH = bundledFfmpeg;
  return out;
}
