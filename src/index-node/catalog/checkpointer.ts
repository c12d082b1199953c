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
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)') } catch {} }
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close() })
`

export class Checkpointer {
  private readonly worker: Worker

  /** Takes over checkpoints of the database `db` (a file in WAL mode) at `path`. */
  constructor (db: Database.Database, path: string, intervalMs: number) {
    db.pragma('wal_autocheckpoint = 0')
    this.worker = new Worker(WORKER, { eval: true, workerData: { sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), path, intervalMs } })
    // a checkpoint that cannot run only lets the log grow until the next one, or until close
    this.worker.on('error', () => {})
    this.worker.unref()
  }

  /** The worker runs a last checkpoint and ends (not awaited: checkpoints are crash-safe, and the next open finishes one). */
  stop (): void {
    this.worker.postMessage('stop')
  }
}
