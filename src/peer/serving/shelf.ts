// The books this peer shares: every file under the shared folders, hashed into a manifest
// (cached on disk), described by its metadata, and kept current by watching the folders: a change
// the watcher reports is looked at alone (a library of 100,000 files is not walked for one new
// book); a full rescan now and then catches what watching misses.
import { realpath, stat } from 'node:fs/promises'
import { basename, sep } from 'node:path'
import { debounce, repeatingTask, type DebouncedFunction, type RepeatingTask } from '@libp2p/utils'
import { TypedEventEmitter, type TypedEventTarget } from 'main-event'
import { bookIdText, type Manifest } from '../../content/book-id.js'
import { readBookFile, type BookFile } from '../../content/book-file.js'
import { readBookMetadata, type BookMetadata } from '../../content/metadata.js'
import { FILE_SETTLE_MS, HASH_CONCURRENCY, RESCAN_DEBOUNCE_MS, RESCAN_INTERVAL_MS, RESCAN_MAX_SHARE } from '../constants.js'
import { FolderWatcher } from './folder-watcher.js'
import { walkSharedFiles, sharedEntryAt, sharedPlace, type SharedFile, type WalkScope } from './shared-files.js'
import { workPool, type WorkPool } from './work-pool.js'
import { ShelfBooks, type ShelfChange, type ShelfEntry } from './shelf-books.js'
import { previousListing, type PreviousListing } from './previous-listing.js'
import type { CachedFiles, HashCache } from './hash-cache.js'

export type { ShelfChange, ShelfEntry } from './shelf-books.js'

export interface ShelfEvents {
  change: CustomEvent<ShelfChange>
  error: CustomEvent<Error>
}

/** What other parts of the peer see of the shelf: the books, and word when they change. */
export interface SharedBooks extends TypedEventTarget<Pick<ShelfEvents, 'change'>> {
  list: () => ShelfEntry[]
  /**
   * The listing the shelf had when the peer last stopped (from the hash cache), handed out once
   * (then forgotten: it is only for resuming registrations at start); undefined when there is none.
   */
  takePreviousListing?: () => PreviousListing | undefined
  /** Settles once the first scan since start is done (until then the list is what the hash cache remembers). */
  whenScanned?: () => Promise<void>
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
   * A full rescan also runs this often, to catch what watching misses (less often on a shelf so
   * large that a rescan would take more than RESCAN_MAX_SHARE of the time while watching works).
   *
   * @default RESCAN_INTERVAL_MS
   */
  rescanIntervalMs?: number
  /**
   * Changes seen by the watcher are gathered for this long before they are looked at.
   *
   * @default RESCAN_DEBOUNCE_MS
   */
  debounceMs?: number
  /** Folders never shared even when inside a shared one (the node's data folder, with its key). */
  exclude?: string[]
  /** How a file is hashed and described (default readBookFile; tests count calls through it). */
  read?: (path: string) => Promise<BookFile>
}

export class Shelf extends TypedEventEmitter<ShelfEvents> {
  private readonly books = new ShelfBooks()
  private scope: WalkScope = { roots: [], excluded: [] }
  private watcher?: FolderWatcher
  /** The full rescan that catches what watching misses. */
  private readonly periodicRescan: RepeatingTask
  /** Looks at the paths the watcher reported once it has been quiet for a moment. */
  private readonly checkAfterChanges: DebouncedFunction
  /** Looks again at files still being written once they have had time to settle. */
  private readonly checkAfterSettling: DebouncedFunction
  /** Paths to look at: reported by the watcher, or still settling. */
  private readonly changedPaths = new Set<string>()
  private readonly settlingPaths = new Set<string>()
  /** One scan or check at a time: each waits for the one before. */
  private work: Promise<void> = Promise.resolve()
  private fullScanQueued?: Promise<void>
  private stopped = false
  /** Read once, for the first scan after start; later scans know every file already. */
  private startCache?: CachedFiles
  private previous?: PreviousListing
  private firstScan?: Promise<void>

  constructor (private readonly options: ShelfOptions) {
    super()
    this.periodicRescan = repeatingTask(async () => { await this.rescan() }, options.rescanIntervalMs ?? RESCAN_INTERVAL_MS)
    this.checkAfterChanges = debounce(() => { void this.checkChanged(this.changedPaths) }, options.debounceMs ?? RESCAN_DEBOUNCE_MS)
    this.checkAfterSettling = debounce(() => { void this.checkChanged(this.settlingPaths) }, FILE_SETTLE_MS)
  }

  /** Opens the shelf and waits for its first scan. */
  async start (): Promise<void> {
    await this.open()
    await this.whenScanned()
  }

  /**
   * Opens the shelf: the folders checked, the hash cache read and the books it remembers listed at
   * once (served, each checked against its file's size and time as it is read, and listed, until
   * the scan, started here, confirms or drops each one), so a restart shares its books in seconds.
   */
  async open (): Promise<void> {
    this.stopped = false
    const roots = await Promise.all(this.options.dirs.map(async d => {
      const root = await realpath(d).catch((err: NodeJS.ErrnoException) => {
        throw new Error(err.code === 'ENOENT' ? `cannot share ${d}: no such folder` : `cannot share ${d}: ${err.message}`)
      })
      if (!(await stat(root)).isDirectory()) throw new Error(`cannot share ${d}: not a folder`)
      return root
    }))
    const excluded = await Promise.all((this.options.exclude ?? []).map(async d => await realpath(d).catch(() => d)))
    if (this.options.watch !== false) {
      const watcher = this.watcher = new FolderWatcher((path) => {
        if (this.stopped) return
        this.changedPaths.add(path)
        this.checkAfterChanges()
      })
      this.scope = { roots, excluded, onFolder: (dir) => { watcher.add(dir) } }
    } else {
      this.scope = { roots, excluded }
    }
    this.startCache = this.options.cache?.readAll()
    this.previous = this.startCache != null ? previousListing(this.startCache) : undefined
    if (this.startCache != null) await this.listRemembered(this.startCache)
    this.firstScan = this.rescan().then(() => { if (!this.stopped) this.periodicRescan.start() })
  }

  async whenScanned (): Promise<void> {
    await this.firstScan
  }

  /**
   * Lists every book the hash cache remembers, as it was, if it lies where this run shares (a folder
   * no longer shared is never served again): the scan checks each one (entryFor).
   */
  private async listRemembered (cache: CachedFiles): Promise<void> {
    for (const { path, id, size, mtimeMs } of cache.files()) {
      const cached = cache.get(path, size, mtimeMs)
      if (id == null || cached == null || !sharedPlace(path, this.scope)) continue
      this.books.set(path, await this.describe(path, mtimeMs, cached.manifest, cached.metadata, id))
    }
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.periodicRescan.stop()
    this.checkAfterChanges.stop()
    this.checkAfterSettling.stop()
    this.watcher?.close()
    await this.work
    this.options.cache?.flush()
  }

  get (id: string): ShelfEntry | undefined {
    return this.books.get(id)
  }

  /** One entry per distinct book. */
  list (): ShelfEntry[] {
    return this.books.list()
  }

  takePreviousListing (): PreviousListing | undefined {
    const previous = this.previous
    this.previous = undefined
    return previous
  }

  /** A shared file was found changed on disk (by the fetch server): rescans at once, in the background. */
  recheck (): void {
    if (!this.stopped) void this.rescan()
  }

  /** Walks every folder again; calls while one waits to start share it. */
  async rescan (): Promise<void> {
    this.fullScanQueued ??= this.queue(async () => {
      this.fullScanQueued = undefined
      await this.scanAll()
    })
    await this.fullScanQueued
  }

  /** Adds a file whose manifest is already known (a finished download) without a rescan. */
  async addFile (path: string, manifest: Manifest): Promise<ShelfEntry> {
    const info = await stat(path)
    const entry = await this.describe(path, info.mtimeMs, manifest)
    this.options.cache?.put(path, info.mtimeMs, { manifest, metadata: entry, id: entry.id })
    this.books.set(path, entry)
    this.publish()
    return entry
  }

  /** Runs `job` after every scan or check before it; errors become `error` events. */
  private async queue (job: () => Promise<void>): Promise<void> {
    const run = this.work.then(async () => {
      if (this.stopped) return
      try {
        await job()
      } catch (err) {
        this.safeDispatchEvent('error', { detail: err as Error })
      }
    })
    this.work = run
    await run
  }

  /** Looks at the paths gathered in `paths` (taken now; later ones wait for the next call). */
  private async checkChanged (paths: Set<string>): Promise<void> {
    const taken = [...paths]
    paths.clear()
    if (taken.length > 0) await this.queue(async () => { await this.checkPaths(taken) })
  }

  private publish (): void {
    const change = this.books.takeChange()
    if (change.added.length > 0 || change.removed.length > 0) this.safeDispatchEvent('change', { detail: change })
  }

  /** An entry for a file; metadata is read from the file unless the hash cache already had it. */
  private async describe (path: string, mtimeMs: number, manifest: Manifest, known?: BookMetadata, id?: string): Promise<ShelfEntry> {
    const metadata = known ?? await readBookMetadata(path)
    return {
      id: id ?? bookIdText(manifest),
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

  /**
   * The entry for a file as it is now: the one already known, the cached one, or hashed afresh;
   * 'settling' for a file written too recently or changing under us (looked at again later).
   */
  private async entryFor (file: SharedFile): Promise<ShelfEntry | 'settling'> {
    const known = this.books.atPath(file.path)
    if (known != null && known.size === file.size && known.mtimeMs === file.mtimeMs) return known
    if (Date.now() - file.mtimeMs < FILE_SETTLE_MS) return 'settling'
    const cached = this.startCache?.get(file.path, file.size, file.mtimeMs)
    if (cached != null) return await this.describe(file.path, file.mtimeMs, cached.manifest, cached.metadata, cached.id)
    try {
      const { manifest, metadata, mtimeMs } = await (this.options.read ?? readBookFile)(file.path)
      // the hash must belong to the size and time the entry records, or serving would refuse it
      if (manifest.size !== file.size || mtimeMs !== file.mtimeMs) return 'settling'
      const entry = await this.describe(file.path, file.mtimeMs, manifest, metadata)
      this.options.cache?.put(file.path, file.mtimeMs, { manifest, metadata: entry, id: entry.id })
      return entry
    } catch {
      // vanished, unreadable or changing under us: looked at again later
      return 'settling'
    }
  }

  /** Enters files on the shelf, HASH_CONCURRENCY at a time; one still settling is looked at again later. */
  private entering (): WorkPool<SharedFile> {
    return workPool(HASH_CONCURRENCY, async (file: SharedFile) => {
      if (this.stopped) return
      const entry = await this.entryFor(file)
      if (entry === 'settling') {
        // a book being rewritten is not shared until it settles (and is hashed again)
        if (this.books.atPath(file.path) != null) this.forget(file.path)
        this.settlingPaths.add(file.path)
        this.checkAfterSettling()
      } else {
        this.books.set(file.path, entry)
      }
    })
  }

  private async scanAll (): Promise<void> {
    const started = performance.now()
    // books are hashed as the walk finds them, not after it
    const present = new Set<string>()
    const entering = this.entering()
    await Promise.all(this.scope.roots.map(async root => { await walkSharedFiles(root, this.scope, (file) => { present.add(file.path); entering.push(file) }) }))
    await entering.end()
    if (this.stopped) return
    for (const path of [...this.books.paths()]) {
      if (!present.has(path)) {
        this.books.set(path, undefined)
        this.options.cache?.delete(path)
      }
    }
    if (this.startCache != null) {
      // forget cached hashes of files that went away while we were not running
      this.options.cache?.retainOnly(this.startCache, present)
      this.startCache = undefined
    }
    this.options.cache?.flush()
    this.publish()
    this.spaceRescans(performance.now() - started)
  }

  /**
   * While every folder is watched, a full rescan only catches what watching misses: it may then
   * take at most RESCAN_MAX_SHARE of the time (a walk of 100,000 files every 30 s would not).
   */
  private spaceRescans (scanMs: number): void {
    const base = this.options.rescanIntervalMs ?? RESCAN_INTERVAL_MS
    const watchedAll = this.watcher != null && this.watcher.refused === 0
    this.periodicRescan.setInterval(watchedAll ? Math.max(base, Math.round(scanMs / RESCAN_MAX_SHARE)) : base)
  }

  /** Looks at each path alone: a file (new, changed, gone) or a folder (walked: new, or moved here). */
  private async checkPaths (paths: string[]): Promise<void> {
    const entering = this.entering()
    for (const path of paths) {
      const found = this.isShared(path) ? await sharedEntryAt(path, this.scope) : undefined
      if (found === 'folder') {
        const present = new Set<string>()
        await walkSharedFiles(path, this.scope, (file) => { present.add(file.path); entering.push(file) })
        for (const p of this.books.pathsUnder(path)) if (!present.has(p)) this.forget(p)
      } else if (found != null) {
        entering.push(found)
      } else if (this.books.atPath(path) != null) {
        this.forget(path)
      } else {
        // perhaps a folder that went away, with its books
        this.watcher?.remove(path)
        for (const p of this.books.pathsUnder(path)) this.forget(p)
      }
    }
    await entering.end()
    this.options.cache?.flush()
    this.publish()
  }

  private forget (path: string): void {
    this.books.set(path, undefined)
    this.options.cache?.delete(path)
  }

  /** A shared folder or inside one (the watcher also reports a shared folder's own name, in its parent). */
  private isShared (path: string): boolean {
    return this.scope.roots.some(root => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep))
  }
}
