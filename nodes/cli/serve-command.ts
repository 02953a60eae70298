/**
 * `wan-studio serve [--port N] [--host H] [--data DIR] [--out DIR] [--models DIR]...` — browser mode.
 * 127.0.0.1 by default; bound elsewhere it prints a URL carrying a one-time access token.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from '../host/server/server';
import { StudioHost } from '../host/studio-host';
import { flag, flagInt, parseArgs, UsageError } from './args';
import type { CliIO } from './io';
import { settingsFromFlags } from './run-command';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WAN_STUDIO_DATA) return resolve(env.WAN_STUDIO_DATA);
  const base =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0
      ? env.XDG_DATA_HOME
      : join(homedir(), '.local', 'share');
  return join(base, 'wan-studio');
}

export async function serveCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, {
    port: { value: true },
    host: { value: true },
    data: { value: true },
    out: { value: true },
    models: { value: true, repeat: true },
    ep: { value: true },
    threads: { value: true },
    'no-disk-cache': {},
  });
  if (args.positional.length > 0)
    throw new UsageError(`serve takes no file arguments (got "${args.positional[0]}")`);
  const port = flagInt(args, 'port', 0, 65535) ?? 8188;
  const host = flag(args, 'host') ?? '127.0.0.1';
  const dataDir = resolve(io.cwd, flag(args, 'data') ?? defaultDataDir());
  const studio = await StudioHost.create({
    dataDir,
    settings: settingsFromFlags(args, io.cwd),
    engineInWorker: true,
  });
  const running = await serve(studio, { host, port });
  io.out(`Wan Studio is serving on ${running.url}${running.token ? `?token=${running.token}` : ''}`);
  if (running.token) io.out('Anyone with this URL can use this machine; share it only with yourself.');
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  await studio.close();
  return 0;
}
