// The books this peer shares: every file under the shared folders, hashed into a manifest
// (cached on disk), described by its metadata, and kept current by watching the folders.
import { watch, type FSWatcher } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { debounce, repeatingTask, type DebouncedFunction, type RepeatingTask } from '@libp2p/utils'
import { TypedEventEmitter, type TypedEventTarget } from 'main-event'
import { bookIdOf, type Manifest } from '../../content/book-id.js'
import { hashFile } from '../../content/hash-file.js'
import { readBookMetadata, type BookMetadata } from '../../content/metadata.js'
import type { HashCache } from './hash-cache.js'
import type { BookRecord } from '../../wire/records.js'
import { FILE_SETTLE_MS, RESCAN_DEBOUNCE_MS, RESCAN_INTERVAL_MS } from '../constants.js'
import { walkSharedFiles } from './shared-files.js'

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

/** What other parts of the peer see of the shelf: the books, and word when they change. */
export interface SharedBooks extends TypedEventTarget<Pick<ShelfEvents, 'change'>> {
  list: () => ShelfEntry[]
}

export interface ShelfOptions {
  dirs: string[]
  cache?: HashCache
  /**
   * Watch the folders for changes.
   *
   * @default true
   */
  watch?: boolean
  /**
   * A full rescan also runs this often, to catch what watching misses.
   *
   * @default RESCAN_INTERVAL_MS
   */
  rescanIntervalMs?: number
  /**
   * Changes seen by the watcher are gathered for this long before a rescan.
   *
   * @default RESCAN_DEBOUNCE_MS
   */
  debounceMs?: number
  /** Folders never shared even when inside a shared one (the node's data folder, with its key). */
  exclude?: string[]
  /** How a file is hashed (default hashFile; tests count calls through it). */
  hash?: (path: string) => Promise<Manifest>
}

export class Shelf extends TypedEventEmitter<ShelfEvents> {
  private readonly byPath = new Map<string, ShelfEntry>()
  private readonly byId = new Map<string, ShelfEntry>()
  private roots: string[] = []
  private excluded: string[] = []
  private watchers: FSWatcher[] = []
  /** The full rescan that catches what watching misses. */
  private readonly periodicRescan: RepeatingTask
  /** A rescan once the watcher has been quiet for a moment. */
  private readonly rescanAfterChanges: DebouncedFunction
  /** A rescan once files still being written have had time to settle. */
  private readonly rescanAfterSettling: DebouncedFunction
  private scanning?: Promise<void>
  private scanAgain = false
  private stopped = false
  private cachePruned = false

  constructor (private readonly options: ShelfOptions) {
    super()
    const rescan = async (): Promise<void> => { await this.rescan() }
    this.periodicRescan = repeatingTask(rescan, options.rescanIntervalMs ?? RESCAN_INTERVAL_MS)
    this.rescanAfterChanges = debounce(rescan, options.debounceMs ?? RESCAN_DEBOUNCE_MS)
    this.rescanAfterSettling = debounce(rescan, FILE_SETTLE_MS)
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
          const watcher = watch(root, { recursive: true }, () => { this.schedule(this.rescanAfterChanges) })
          watcher.on('error', () => { /* the periodic rescan still covers this folder */ })
          this.watchers.push(watcher)
        } catch {
          // recursive watching unsupported here: the periodic rescan covers it
        }
      }
    }
    this.periodicRescan.start()
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.periodicRescan.stop()
    this.rescanAfterChanges.stop()
    this.rescanAfterSettling.stop()
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

  /** A shared file was found changed on disk (by the fetch server): rescans at once, in the background. */
  recheck (): void {
    if (!this.stopped) void this.rescan()
  }

  private schedule (rescan: DebouncedFunction): void {
    if (!this.stopped) rescan()
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

  private async scanOnce (): Promise<void> {
    const seen = new Map<string, ShelfEntry>()
    let unsettled = false
    for (const root of this.roots) {
      for await (const file of walkSharedFiles(root, { roots: this.roots, excluded: this.excluded })) {
        if (this.stopped) return
        const known = this.byPath.get(file.path)
        if (known != null && known.size === file.size && known.mtimeMs === file.mtimeMs) {
          seen.set(file.path, known)
          continue
        }
        if (Date.now() - file.mtimeMs < FILE_SETTLE_MS) {
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
    if (unsettled) this.schedule(this.rescanAfterSettling)
  }
}
