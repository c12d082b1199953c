// The shelf's books in memory: every shared file by path, and one entry per distinct book (the
// same bytes under two names are one book). Changes are gathered as files come and go and handed
// out as one ShelfChange: books new or listed differently (another title, file name...), and books
// no file holds any more.
import { sep } from 'node:path'
import type { BookRecord } from '../../wire/records.js'
import type { Manifest } from '../../content/book-id.js'

export interface ShelfEntry extends BookRecord {
  path: string
  manifest: Manifest
  mtimeMs: number
}

export interface ShelfChange {
  /** Books new to the shelf, and books whose listing changed (a renamed file). */
  added: ShelfEntry[]
  /** IDs of books no longer on the shelf. */
  removed: string[]
}

/** What an index lists of a book: a change to any of it is worth telling. */
function sameListing (a: BookRecord, b: BookRecord): boolean {
  return a.title === b.title && a.author === b.author && a.fileName === b.fileName && a.format === b.format &&
    a.language === b.language && a.size === b.size
}

export class ShelfBooks {
  private readonly byPath = new Map<string, ShelfEntry>()
  /**
   * Every file holding each book, by path: the first (smallest path) is the one listed, so a restart
   * lists the same copy whatever order the scan found them in (see previous-listing.ts).
   */
  private readonly byId = new Map<string, ShelfEntry[]>()
  /** Books touched since the last change was taken, with their listed entry before (undefined: new). */
  private readonly touched = new Map<string, ShelfEntry | undefined>()

  get (id: string): ShelfEntry | undefined {
    return this.byId.get(id)?.[0]
  }

  atPath (path: string): ShelfEntry | undefined {
    return this.byPath.get(path)
  }

  /** One entry per distinct book. */
  list (): ShelfEntry[] {
    return [...this.byId.values()].map(copies => copies[0])
  }

  paths (): IterableIterator<string> {
    return this.byPath.keys()
  }

  /** Files at or below `path` (a folder that went away). */
  pathsUnder (path: string): string[] {
    const below = path.endsWith(sep) ? path : path + sep
    return [...this.byPath.keys()].filter(p => p === path || p.startsWith(below))
  }

  /** The file at `path` now holds `entry`; undefined: no shared file there any more. */
  set (path: string, entry: ShelfEntry | undefined): void {
    const old = this.byPath.get(path)
    if (old === entry) return
    if (old != null) this.detach(old)
    if (entry == null) {
      this.byPath.delete(path)
      return
    }
    this.byPath.set(path, entry)
    this.touch(entry.id)
    const copies = this.byId.get(entry.id)
    if (copies == null) this.byId.set(entry.id, [entry])
    else {
      const after = copies.findIndex(c => c.path > entry.path)
      copies.splice(after === -1 ? copies.length : after, 0, entry)
    }
  }

  /** What changed since the last call, as the index should hear it. */
  takeChange (): ShelfChange {
    const added: ShelfEntry[] = []
    const removed: string[] = []
    for (const [id, before] of this.touched) {
      const now = this.get(id)
      if (now == null) {
        if (before != null) removed.push(id)
      } else if (before == null || !sameListing(before, now)) {
        added.push(now)
      }
    }
    this.touched.clear()
    return { added, removed }
  }

  private touch (id: string): void {
    if (!this.touched.has(id)) this.touched.set(id, this.get(id))
  }

  private detach (entry: ShelfEntry): void {
    this.touch(entry.id)
    const copies = this.byId.get(entry.id) ?? []
    const rest = copies.filter(e => e !== entry)
    if (rest.length === 0) this.byId.delete(entry.id)
    else this.byId.set(entry.id, rest)
  }
}
