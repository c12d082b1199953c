// The books this peer shares: every file under the shared folders, hashed into a manifest
// (cached on disk), described by its metadata, and kept current by watching the folders.
import { watch, type FSWatcher } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { basename, join, sep } from 'node:path'
import { TypedEventEmitter } from 'main-event'
import { bookIdOf, type Manifest } from '../../content/book-id.js'
import { hashFile } from '../../content/hash-file.js'
import { readBookMetadata, type BookMetadata } from '../../content/metadata.js'
import type { HashCache } from './hash-cache.js'
import type { BookRecord } from '../../wire/records.js'
import { RESCAN_INTERVAL_MS } from '../constants.js'

export interface ShelfEntry extends BookRecord {
  path: string
  manifest: Manifest
  mtimeMs: number
}

export interface ShelfChange {
  added: ShelfEntry[]
  removed: string[]
}

export interface ShelfEvents {
  change: CustomEvent<ShelfChange>
  error: CustomEvent<Error>
}

export interface ShelfOptions {
  dirs: string[]
  cache?: HashCache
  /** Watch the folders for changes (default true). */
  watch?: boolean
  /** A full rescan also runs this often, to catch what watching misses (default 30 s). */
  rescanIntervalMs?: number
  /** Changes are gathered for this long before a rescan (default 300 ms). */
  debounceMs?: number
  /** Folders never shared even when inside a shared one (the node's data folder, with its key). */
  exclude?: string[]
  /** How a file is hashed (default hashFile; tests count calls through it). */
  hash?: (path: string) => Promise<Manifest>
}

/** Files still being written are skipped until they have been quiet this long. */
const SETTLE_MS = 1_000

/** Names never shared: hidden files, and downloads in progress. */
export function isIgnoredName (name: string): boolean {
  return name.startsWith('.') || name.endsWith('.arkpart') || name.endsWith('.arkstate') || name.endsWith('.tmp')
}

function isInside (path: string, roots: string[]): boolean {
  return roots.some(root => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep))
}

export class Shelf extends TypedEventEmitter<ShelfEvents> {
  private readonly byPath = new Map<string, ShelfEntry>()
  private readonly byId = new Map<string, ShelfEntry>()
  private roots: string[] = []
  private excluded: string[] = []
  private watchers: FSWatcher[] = []
  private interval?: NodeJS.Timeout
  private debounce?: NodeJS.Timeout
  private scanning?: Promise<void>
  private scanAgain = false
  private stopped = false
  private cachePruned = false

  constructor (private readonly options: ShelfOptions) {
    super()
  }

  async start (): Promise<void> {
    this.stopped = false
    this.roots = await Promise.all(this.options.dirs.map(async (d) => {
      const root = await realpath(d).catch((err: NodeJS.ErrnoException) => {
        throw new Error(err.code === 'ENOENT' ? `cannot share ${d}: no such folder` : `cannot share ${d}: ${err.message}`)
      })
      if (!(await stat(root)).isDirectory()) throw new Error(`cannot share ${d}: not a folder`)
      return root
    }))
    this.excluded = await Promise.all((this.options.exclude ?? []).map(async d => await realpath(d).catch(() => d)))
    await this.rescan()
    if (this.options.watch !== false) {
      for (const root of this.roots) {
        try {
          const watcher = watch(root, { recursive: true }, () => { this.scheduleRescan() })
          watcher.on('error', () => { /* the periodic rescan still covers this folder */ })
          this.watchers.push(watcher)
        } catch {
          // recursive watching unsupported here: the periodic rescan covers it
        }
      }
    }
    this.interval = setInterval(() => { void this.rescan() }, this.options.rescanIntervalMs ?? RESCAN_INTERVAL_MS)
    this.interval.unref()
  }

  async stop (): Promise<void> {
    this.stopped = true
    clearInterval(this.interval)
    clearTimeout(this.debounce)
    for (const w of this.watchers) w.close()
    this.watchers = []
    await this.scanning
  }

  get (id: string): ShelfEntry | undefined {
    return this.byId.get(id)
  }

  /** One entry per distinct book. */
  list (): ShelfEntry[] {
    return [...this.byId.values()]
  }

  scheduleRescan (delayMs = this.options.debounceMs ?? 300): void {
    if (this.stopped) return
    clearTimeout(this.debounce)
    this.debounce = setTimeout(() => { void this.rescan() }, delayMs)
  }

  /** Rescans all folders; concurrent calls coalesce into one more scan after the current one. */
  async rescan (): Promise<void> {
    if (this.scanning != null) {
      this.scanAgain = true
      return await this.scanning
    }
    this.scanning = (async () => {
      do {
        this.scanAgain = false
        try {
          await this.scanOnce()
        } catch (err) {
          this.safeDispatch('error', err as Error)
        }
      } while (this.scanAgain && !this.stopped)
    })()
    try {
      await this.scanning
    } finally {
      this.scanning = undefined
    }
  }

  /** Adds a file whose manifest is already known (a finished download) without a rescan. */
  async addFile (path: string, manifest: Manifest): Promise<ShelfEntry> {
    const info = await stat(path)
    const entry = await this.describe(path, info.mtimeMs, manifest)
    this.byPath.set(path, entry)
    this.options.cache?.put(path, info.mtimeMs, { manifest, metadata: entry })
    if (!this.byId.has(entry.id)) {
      this.byId.set(entry.id, entry)
      this.safeDispatch('change', { added: [entry], removed: [] })
    }
    return entry
  }

  private safeDispatch<K extends keyof ShelfEvents>(type: K, detail: ShelfEvents[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }

  /** An entry for a file; metadata is read from the file unless the hash cache already had it. */
  private async describe (path: string, mtimeMs: number, manifest: Manifest, known?: BookMetadata): Promise<ShelfEntry> {
    const metadata = known ?? await readBookMetadata(path)
    return {
      id: bookIdOf(manifest).toString(),
      title: metadata.title,
      author: metadata.author,
      format: metadata.format,
      language: metadata.language,
      size: manifest.size,
      fileName: basename(path),
      path,
      manifest,
      mtimeMs
    }
  }

  private async * walk (dir: string, depth = 0): AsyncGenerator<{ path: string, size: number, mtimeMs: number }> {
    if (depth > 32) return
    let names: string[]
    try {
      names = await readdir(dir)
    } catch {
      return
    }
    for (const name of names) {
      if (isIgnoredName(name)) continue
      const path = join(dir, name)
      if (isInside(path, this.excluded)) continue
      let info
      try {
        info = await lstat(path)
        if (info.isSymbolicLink()) {
          // a link is shared only when it resolves to a file inside a shared folder
          const target = await realpath(path)
          if (!isInside(target, this.roots) || isInside(target, this.excluded)) continue
          info = await stat(target)
          if (!info.isFile()) continue
        }
      } catch {
        continue
      }
      if (info.isDirectory()) {
        yield * this.walk(path, depth + 1)
      } else if (info.isFile()) {
        yield { path, size: info.size, mtimeMs: info.mtimeMs }
      }
    }
  }

  private async scanOnce (): Promise<void> {
    const seen = new Map<string, ShelfEntry>()
    let unsettled = false
    for (const root of this.roots) {
      for await (const file of this.walk(root)) {
        if (this.stopped) return
        const known = this.byPath.get(file.path)
        if (known != null && known.size === file.size && known.mtimeMs === file.mtimeMs) {
          seen.set(file.path, known)
          continue
        }
        if (Date.now() - file.mtimeMs < SETTLE_MS) {
          unsettled = true
          continue
        }
        try {
          const cached = this.options.cache?.get(file.path, file.size, file.mtimeMs)
          const manifest = cached?.manifest ?? await (this.options.hash ?? hashFile)(file.path)
          // the hash must belong to the size and time the entry records, or serving would refuse it
          const now = await stat(file.path)
          if (now.size !== file.size || now.mtimeMs !== file.mtimeMs) {
            unsettled = true
            continue
          }
          const entry = await this.describe(file.path, file.mtimeMs, manifest, cached?.metadata)
          if (cached == null) this.options.cache?.put(file.path, file.mtimeMs, { manifest, metadata: entry })
          seen.set(file.path, entry)
        } catch {
          // vanished, unreadable or changing under us: the next scan looks again
          unsettled = true
        }
      }
    }
    if (this.stopped) return

    const before = new Set(this.byId.keys())
    // forget cached hashes of files that went away: all stale rows once at start, then per scan
    // only the paths that disappeared (no full read of the cache every 30 s)
    if (!this.cachePruned) {
      this.options.cache?.retainOnly(new Set(seen.keys()))
      this.cachePruned = true
    } else {
      for (const path of this.byPath.keys()) if (!seen.has(path)) this.options.cache?.delete(path)
    }
    this.byPath.clear()
    this.byId.clear()
    for (const entry of seen.values()) {
      this.byPath.set(entry.path, entry)
      if (!this.byId.has(entry.id)) this.byId.set(entry.id, entry)
    }
    const added = [...this.byId.values()].filter(e => !before.has(e.id))
    const removed = [...before].filter(id => !this.byId.has(id))
    if (added.length > 0 || removed.length > 0) this.safeDispatch('change', { added, removed })
    if (unsettled) this.scheduleRescan(SETTLE_MS)
  }
}
