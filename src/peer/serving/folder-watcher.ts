// Watches the shared folders one folder at a time and reports which paths changed. Node 20's
// recursive fs.watch on Linux adds an inotify watch for every file as well, synchronously: on a
// library of 100,000 books it blocks for seconds at start and takes 100,000 of the user's watches
// (max_user_watches is often 8,192–200,000). A watch on a folder already reports its files, so a
// library needs one watch per folder: its authors, not its books.
import { watch, type FSWatcher } from 'node:fs'
import { join, sep } from 'node:path'

export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>()
  /** Folders the system refused to watch (no watches left): the periodic rescan covers them. */
  refused = 0

  /** `onChange` hears every path that may have changed: a file or folder in a watched folder, or the folder itself. */
  constructor (private readonly onChange: (path: string) => void) {}

  /** Watches a folder (once); false when the system refused. */
  add (dir: string): boolean {
    if (this.watchers.has(dir)) return true
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        this.onChange(name == null ? dir : join(dir, name.toString()))
      })
      watcher.on('error', () => {
        // the folder went away or cannot be read: whoever looks at it next decides
        this.remove(dir)
        this.onChange(dir)
      })
      this.watchers.set(dir, watcher)
      return true
    } catch {
      this.refused++
      return false
    }
  }

  /** Stops watching a folder and every folder below it (they were removed or moved away). */
  remove (dir: string): void {
    // a folder's subfolders are watched only after the folder itself (a walk enters it first)
    if (!this.watchers.has(dir)) return
    const below = dir + sep
    for (const [path, watcher] of this.watchers) {
      if (path === dir || path.startsWith(below)) {
        watcher.close()
        this.watchers.delete(path)
      }
    }
  }

  /** Folders watched now. */
  get size (): number {
    return this.watchers.size
  }

  close (): void {
    for (const watcher of this.watchers.values()) watcher.close()
    this.watchers.clear()
  }
}
