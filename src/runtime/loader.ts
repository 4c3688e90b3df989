/**
 * The data pipeline as the training loop sees it: an epoch is an async stream of batches, made
 * ahead of time by worker threads (or on the main thread with `workers: 0`). Only `prefetch`
 * batches exist at once, so a data set larger than memory streams from disk, and the decoder works
 * while the model trains instead of in between steps.
 *
 * Batch b of an epoch is always samples order[b·B … (b+1)·B) minus unreadable ones, whichever
 * worker makes it: that keeps runs repeatable and lets a resumed run start at any batch.
 */
import { Worker } from "node:worker_threads";
import { AlexcRuntimeError } from "./errors.js";
import { makeBatch, type Batch, type BatchContext } from "./batch.js";

export interface EpochRequest {
  /** Sample indices in the order they are to be seen this epoch. */
  order: Int32Array;
  batchSize: number;
  train: boolean;
  epoch: number;
  seed: number;
  /** Batches already done (a resumed epoch starts here). */
  startBatch?: number;
}

export interface LoadedBatch extends Batch {
  /** Position of this batch in the epoch, from 0. */
  index: number;
  /** Batches in the whole epoch. */
  of: number;
}

interface Pending {
  resolve: (b: Batch) => void;
  reject: (e: Error) => void;
}

/**
 * Starts the worker module beside this one. Built, that is plain data-worker.js. From source (tests
 * under tsx) it is a .ts file, and loader hooks registered on the main thread do not reach worker
 * threads in Node 20, so a two-line bootstrap registers tsx in the worker first.
 */
function startWorker(ctx: BatchContext): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./data-worker.js", import.meta.url), { workerData: ctx });
  const entry = JSON.stringify(new URL("./data-worker.ts", import.meta.url).href);
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); })`, { eval: true, workerData: ctx });
}

export class DataLoader {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(
    private readonly ctx: BatchContext,
    workers: number,
    private readonly prefetch: number,
  ) {
    for (let i = 0; i < workers; i++) {
      const worker = startWorker(ctx);
      worker.on("message", (msg: { id: number; batch?: Batch; error?: string }) => {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.batch) p?.resolve(msg.batch);
        else p?.reject(new Error(`alexc: a data worker failed: ${msg.error}`));
      });
      worker.on("error", (e) => this.fail(new Error(`alexc: a data worker crashed: ${e.stack ?? e.message}`)));
      worker.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`alexc: a data worker exited with code ${code}`));
      });
      // An idle worker must not keep the process alive (after an interrupt, say); a busy one must,
      // or awaiting its batch would let the process exit. See run().
      worker.unref();
      this.workers.push(worker);
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private run(slot: number, job: Parameters<typeof makeBatch>[1]): Promise<Batch> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) return makeBatch(this.ctx, job);
    const id = this.nextId++;
    const worker = this.workers[slot % this.workers.length]!;
    return new Promise<Batch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.busy.set(worker, (this.busy.get(worker) ?? 0) + 1);
      worker.ref();
      worker.postMessage({ id, job });
    }).finally(() => {
      const left = (this.busy.get(worker) ?? 1) - 1;
      this.busy.set(worker, left);
      // Not while closing: close() rejects these jobs and references the workers until they stop, and
      // an unref after that let the event loop run dry mid-close, so the process exited 0 with the
      // run's error (or its Ctrl-C save) never reported.
      if (left === 0 && !this.closing) worker.unref();
    });
  }

  /** Batches of one pass over `order`, in order, `prefetch` of them in the making at any time. */
  async *epoch(req: EpochRequest): AsyncGenerator<LoadedBatch> {
    if (req.batchSize < 1) throw new AlexcRuntimeError("the batch size must be at least 1");
    const of = Math.ceil(req.order.length / req.batchSize);
    let next = req.startBatch ?? 0;
    const queued: Array<{ index: number; batch: Promise<Batch> }> = [];
    const request = (): void => {
      const index = next++;
      const indices = req.order.slice(index * req.batchSize, (index + 1) * req.batchSize);
      const batch = this.run(index, { indices, train: req.train, epoch: req.epoch, seed: req.seed });
      // Batches still queued when the consumer stops early are dropped; their errors too.
      batch.catch(() => undefined);
      queued.push({ index, batch });
    };
    while (queued.length < Math.max(1, this.prefetch) && next < of) request();
    while (queued.length > 0) {
      const head = queued.shift()!;
      const batch = await head.batch;
      if (next < of) request();
      yield { ...batch, index: head.index, of };
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.fail(new Error("alexc: the data loader was closed"));
    // Referenced again so that the process waits for the workers to stop (an unreferenced worker's
    // exit could otherwise come after the event loop ran dry, leaving this promise unsettled).
    await Promise.all(
      this.workers.map((w) => {
        w.ref();
        return w.terminate();
      }),
    );
  }
}
