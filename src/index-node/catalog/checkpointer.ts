// SQLite copies its write-ahead log back into the database (a checkpoint) inside whichever commit
// takes the log past wal_autocheckpoint pages: on a catalog of 100,000 listings and more that is
// tens of milliseconds to a second (an fsync included) in the middle of the index's event loop,
// and every search waits. Here a worker thread with its own connection checkpoints instead, now and
// then: PASSIVE, so it never waits for the index's reads and writes, nor they for it.
//
// A log is started over only by a write that finds all of it copied; while the index keeps writing
// (a large registration, slice after slice), each checkpoint ends with new frames behind it and the
// log grows for as long as the writes go on (4.8 GB beside a 0.7 GB database after registering 1M
// books). So once the log is past CHECKPOINT_HOLD_FRAMES the worker asks the index to hold its
// sliced writes (searches go on), copies the rest, and lets them go: the next write starts the log
// over. The hold is asynchronous (the event loop never waits for the worker) and bounded in time.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { CHECKPOINT_HOLD_FRAMES, CHECKPOINT_HOLD_PASSES, CHECKPOINT_INTERVAL_MS, CHECKPOINT_MAX_HOLD_MS } from '../constants.js'
import type { CheckpointOptions } from './types.js'
import type Database from 'better-sqlite3'

// CommonJS, evaluated in the worker: better-sqlite3 is found by the path the index itself resolves
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.sqlite)
// timeout 0: a checkpoint never waits for the index's connection (PASSIVE does not anyway)
const db = new Database(workerData.path, { timeout: 0 })
const closed = new Int32Array(workerData.closed)
let holding = false
const checkpoint = () => { try { return db.pragma('wal_checkpoint(PASSIVE)')[0] } catch { return undefined } }
const timer = setInterval(() => {
  if (holding) return
  const done = checkpoint()
  if (done != null && done.log >= workerData.holdFrames) { holding = true; parentPort.postMessage('hold') }
}, workerData.intervalMs)
parentPort.on('message', (msg) => {
  if (msg === 'held') {
    // the index's sliced writes wait: what was appended since the last pass is copied, again while
    // its small writes (a lease, a connection) keep adding frames, until a pass finds none added
    // since the one before: the whole log is copied, and the index's next write starts it over
    let before = -1
    for (let pass = 0; pass < workerData.holdPasses; pass++) {
      const done = checkpoint()
      if (done == null || done.busy !== 0 || done.log === before) break
      before = done.log
    }
    holding = false
    parentPort.postMessage('release')
    return
  }
  clearInterval(timer)
  try { db.close() } catch {}
  Atomics.store(closed, 0, 1)
  Atomics.notify(closed, 0)
  parentPort.close()
})
`

/** How long stop() waits for the worker to close its connection. */
const STOP_WAIT_MS = 5_000

export class Checkpointer {
  private readonly worker: Worker
  /** Set to 1 by the worker once its connection is closed. */
  private readonly closed = new SharedArrayBuffer(4)
  /** While the worker copies the rest of the log: resolved when the writes may go on. */
  private hold?: { released: Promise<void>, release: () => void, timer: NodeJS.Timeout }

  /** Takes over checkpoints of the database `db` (a file in WAL mode) at `path`. */
  constructor (db: Database.Database, path: string, options: CheckpointOptions = {}) {
    db.pragma('wal_autocheckpoint = 0')
    const workerData = {
      sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      holdFrames: options.holdFrames ?? CHECKPOINT_HOLD_FRAMES,
      holdPasses: CHECKPOINT_HOLD_PASSES,
      closed: this.closed
    }
    this.worker = new Worker(WORKER, { eval: true, workerData })
    // a checkpoint that cannot run only lets the log grow until the next one, or until close
    this.worker.on('error', () => { this.release() })
    this.worker.on('message', (msg) => {
      if (msg === 'hold') this.holdWrites()
      else if (msg === 'release') this.release()
    })
    this.worker.unref()
  }

  /**
   * Resolves at once, or once the worker has copied the log (at most CHECKPOINT_MAX_HOLD_MS later):
   * a sliced write awaits it before each slice.
   */
  async writable (): Promise<void> {
    await this.hold?.released
  }

  /** No slice is running (the message arrived between tasks): the worker may copy the rest. */
  private holdWrites (): void {
    if (this.hold != null) return
    let resolve = (): void => {}
    const promise = new Promise<void>(_resolve => { resolve = _resolve })
    // a worker that never answers holds nothing for long (and, not unref'd, this keeps the process
    // alive until the writes waiting on it go on)
    const timer = setTimeout(() => { this.release() }, CHECKPOINT_MAX_HOLD_MS)
    this.hold = { released: promise, release: resolve, timer }
    this.worker.postMessage('held')
  }

  private release (): void {
    const hold = this.hold
    if (hold == null) return
    this.hold = undefined
    clearTimeout(hold.timer)
    hold.release()
  }

  /**
   * Waits (blocking, at most STOP_WAIT_MS) for the worker to close its connection: the index's own
   * close is then the last one, which checkpoints the whole log, and no checkpoint of the worker's
   * can still be running when the files go or the process exits (a native error thrown in a worker
   * being torn down aborts the whole process).
   */
  stop (): void {
    this.release()
    this.worker.postMessage('stop')
    Atomics.wait(new Int32Array(this.closed), 0, 0, STOP_WAIT_MS)
  }
}
