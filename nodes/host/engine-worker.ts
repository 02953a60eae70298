/**
 * Worker-thread side of WorkerRunner: owns an Engine (with its caches and model sessions) and
 * runs one workflow at a time, so ONNX Runtime's synchronous session.run() never blocks the
 * thread that serves the UI.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkflowDocument } from '../../workflows/schema';
import { createEngine } from './engine-factory';
import type { Settings } from './settings';
import type { FromWorker, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');
const engine = createEngine(workerData as Settings);
const controllers = new Map<string, AbortController>();
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') {
    controllers.get(m.runId)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(m.runId, controller);
  void engine
    .run(m.doc as WorkflowDocument, {
      runId: m.runId,
      signal: controller.signal,
      onEvent: (event) => post({ type: 'event', event }),
      ...(m.outputs ? { outputs: m.outputs } : {}),
    })
    .then((result) => {
      controllers.delete(m.runId);
      post({ type: 'result', runId: m.runId, result });
    });
});
