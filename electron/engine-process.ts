/**
 * Entry of the engine utility process: receives its settings folder and a MessagePort from main,
 * hosts the StudioHost (engine, queue, history, autosave, settings) and answers contract requests
 * on the port. Heavy work (ONNX Runtime's synchronous run) blocks only this process.
 */
import type { MessagePortMain } from 'electron';
import { defaultSettings } from '../nodes/host/settings';
import { StudioHost } from '../nodes/host/studio-host';
import { serveHost, type EngineInit, type EngineToMain } from './engine-protocol';

let port: MessagePortMain | undefined;

function fatal(message: string): never {
  try {
    port?.postMessage({ kind: 'fatal', message } satisfies EngineToMain);
  } catch {
    // the port may already be gone; stderr still reaches main's log
  }
  process.stderr.write(`wan-studio engine: ${message}\n`);
  // Let the message leave before exiting.
  setTimeout(() => process.exit(1), 50);
  throw new Error(message);
}

async function run(init: EngineInit, p: MessagePortMain): Promise<void> {
  port = p;
  const host = await StudioHost.create({
    dataDir: init.dataDir,
    settings: defaultSettings(init.baseDir, process.env),
  });
  serveHost(
    { post: (m) => p.postMessage(m), onMessage: (listener) => p.on('message', (e) => listener(e.data)) },
    host,
  );
  p.start();
}

process.on('uncaughtException', (e) => {
  try {
    fatal(`uncaught error: ${e.stack ?? e.message}`);
  } catch {
    // fatal() throws to stop the caller; here there is no caller
  }
});

process.parentPort.once('message', (e) => {
  const init = e.data as EngineInit;
  const p = e.ports[0];
  if (init?.kind !== 'init' || !p) {
    process.stderr.write('wan-studio engine: the first message was not the expected init + port\n');
    process.exit(2);
  }
  run(init, p).catch((err: unknown) => {
    try {
      fatal(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    } catch {
      // exit scheduled
    }
  });
});
