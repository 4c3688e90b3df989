/**
 * A data worker thread: makes the batches the loader asks for (decode, augment, normalise) while
 * the main thread trains, then hands each batch over without copying (transferred buffers).
 * Jobs run one at a time in arrival order; the loader decides how many are queued.
 */
import { parentPort, workerData } from "node:worker_threads";
import { makeBatch, type BatchContext, type BatchJob } from "./batch.js";

export interface JobMessage {
  id: number;
  job: BatchJob;
}

const ctx = workerData as BatchContext;
const port = parentPort!;
let queue: Promise<void> = Promise.resolve();

port.on("message", (msg: JobMessage) => {
  queue = queue.then(async () => {
    try {
      const batch = await makeBatch(ctx, msg.job);
      port.postMessage({ id: msg.id, batch }, [batch.x.buffer as ArrayBuffer, batch.y.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) });
    }
  });
});
