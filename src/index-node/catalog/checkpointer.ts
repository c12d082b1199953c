// SQLite copies its write-ahead log back into the database (a checkpoint) inside whichever commit
// takes the log past wal_autocheckpoint pages: on a catalog of 100,000 listings and more that is
// tens of milliseconds to a second (an fsync included) in the middle of the index's event loop,
// and every search waits. Here a worker thread with its own connection checkpoints instead, now and
// then: PASSIVE, so it never waits for the index's reads and writes, nor they for it.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

// CommonJS, evaluated in the worker: better-sqlite3 is found by the path the index itself resolves
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.sqlite)
const db = new Database(workerData.path)
const closed = new Int32Array(workerData.closed)
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)') } catch {} }
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', () => {
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

  /** Takes over checkpoints of the database `db` (a file in WAL mode) at `path`. */
  constructor (db: Database.Database, path: string, intervalMs: number) {
    db.pragma('wal_autocheckpoint = 0')
    this.worker = new Worker(WORKER, { eval: true, workerData: { sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), path, intervalMs, closed: this.closed } })
    // a checkpoint that cannot run only lets the log grow until the next one, or until close
    this.worker.on('error', () => {})
    this.worker.unref()
  }

  /**
   * Waits (blocking, at most STOP_WAIT_MS) for the worker to close its connection: the index's own
   * close is then the last one, which checkpoints the whole log, and no checkpoint of the worker's
   * can still be running when the files go or the process exits (a native error thrown in a worker
   * being torn down aborts the whole process).
   */
  stop (): void {
    this.worker.postMessage('stop')
    Atomics.wait(new Int32Array(this.closed), 0, 0, STOP_WAIT_MS)
  }
}
