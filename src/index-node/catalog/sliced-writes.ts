// Large writes to the catalog a slice at a time. A PUT of 1,000 books, or the unregistration of a
// peer with 100,000, is tens to thousands of milliseconds of SQLite and text-index work: done in one
// go it holds up every search arriving meanwhile. Here each slice is its own transaction of as many
// rows as fit in a few milliseconds (learned from the slices before), and other work (searches)
// runs between slices; while searches come in, the slices rest between them too (restAfterSlice).
// A search may see part of a request applied, never a part rolled back.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import { listingParams, type CatalogStatements } from './statements.js'
import type { TextIndexSync } from './text-index-sync.js'
import type { BookRecord, BookSlices } from './types.js'
import type Database from 'better-sqlite3'

const MIN_ROWS = 8
const MAX_ROWS = 1000

export interface RestPolicy {
  /** When the last search was answered (performance.now()), -Infinity before any. */
  lastSearchAt: number
  now: number
  /** Rest this many times the slice's length while searches come in (0: never). */
  factor: number
  /** Searches count as coming in for this long after the last one. */
  activeMs: number
}

/** How long to rest after a slice that took `sliceMs`: the searches' turn while they come in, else none. */
export function restAfterSlice (sliceMs: number, { lastSearchAt, now, factor, activeMs }: RestPolicy): number {
  return now - lastSearchAt < activeMs ? sliceMs * factor : 0
}

export class SlicedWrites {
  /** Rows the next slice may write: sized so a slice takes about sliceMs. */
  private rows = 32
  private readonly upsertTx: (peer: number, books: BookRecord[]) => number
  private readonly removeIdsTx: (peer: number, ids: string[]) => number

  /**
   * @param writable - awaited before each slice: a checkpoint may hold the writes a moment (checkpointer.ts)
   * @param restAfter - how long to rest after a slice of that many milliseconds (restAfterSlice)
   */
  constructor (db: Database.Database, private readonly sql: CatalogStatements, private readonly sync: TextIndexSync, private readonly sliceMs: number, private readonly writable: () => Promise<void> = async () => {}, private readonly restAfter: (sliceMs: number) => number = () => 0) {
    this.upsertTx = db.transaction((peer: number, books: BookRecord[]): number => {
      for (const b of books) {
        sql.upsertListing.run(listingParams(peer, b))
      }
      return books.length
    })
    this.removeIdsTx = db.transaction((peer: number, ids: string[]): number => {
      sql.removeListings.run({ peer, ids: JSON.stringify(ids) })
      return ids.length
    })
  }

  /** Adds or updates the peer's listings of `books` (taken, and so decoded, a slice at a time). */
  async put (peer: number, books: Pick<BookSlices, 'slice'>): Promise<void> {
    let next = 0
    await this.inSlices((rows) => {
      const done = this.upsertTx(peer, books.slice(next, next + rows))
      next += done
      return done
    })
  }

  /** Removes the peer's listings of these book IDs. */
  async removeIds (peer: number, ids: string[]): Promise<void> {
    let next = 0
    await this.inSlices((rows) => {
      const done = this.removeIdsTx(peer, ids.slice(next, next + rows))
      next += done
      return done
    })
  }

  /** Removes every listing of the peer except those of `keep` (a JSON array of book IDs), slice by slice while `stillWanted()`. */
  async removeAllBut (peer: number, keep: string, stillWanted: () => boolean = () => true): Promise<void> {
    await this.inSlices((rows) => stillWanted() ? this.sql.removeSomeOthers.run({ peer, ids: keep, max: rows }).changes : 0)
  }

  /** Runs `step(rows)` (one write of at most `rows` rows, saying how many it did) until one does fewer. */
  private async inSlices (step: (rows: number) => number): Promise<void> {
    // a removal of many listings compacts the text index once it is done, not part-way (see holdCompaction)
    const releaseCompaction = this.sync.text.holdCompaction()
    try {
      for (;;) {
        await this.writable()
        const rows = this.rows
        const started = performance.now()
        const done = this.sync.write(() => step(rows))
        const elapsed = performance.now() - started
        if (done > 0) {
          // halfway to what would have fit: one slow slice (a busy machine, a checkpoint) does not swing it
          const fit = done * this.sliceMs / Math.max(elapsed, 0.01)
          this.rows = Math.min(MAX_ROWS, Math.max(MIN_ROWS, Math.round((rows + fit) / 2)))
        }
        if (done < rows) return
        const rest = this.restAfter(elapsed)
        if (rest > 0) await sleep(rest)
        else await nextTurn()
      }
    } finally {
      releaseCompaction()
    }
  }
}
