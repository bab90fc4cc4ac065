// From source the repository runs without a build step: register tsx's loader in this worker
// thread (Node 20 does not pass the parent's loader hooks to workers), then load the TypeScript
// worker loop. threads.ts starts this file only for .ts sources; a build starts threadWorker.js.
// A failure is reported through the control block, as threadWorker.ts does for its own.
import { workerData } from 'node:worker_threads';

try {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./threadWorker.ts');
} catch (error) {
  workerData.replies.postMessage({ error: `threadWorker.ts: ${error?.message ?? error}` });
  Atomics.add(workerData.control, 9, 1); // CTL.FAILED
  Atomics.add(workerData.control, 4, 1); // CTL.READY
  Atomics.notify(workerData.control, 4);
}
