// The files a shared folder holds: walked recursively (to a bounded depth), without hidden files,
// partial downloads, excluded folders, or links that lead out of the shared folders. Folders are
// read and files looked at many at a time: a library of 100,000 files is mostly waiting on the disk.
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { basename, join, sep } from 'node:path'

/** Deeper folders are not walked (a guard against loops and pathological trees). */
const MAX_DEPTH = 32
/** File-system calls in flight at once during a walk. */
const WALK_CONCURRENCY = 32

export interface SharedFile {
  path: string
  size: number
  mtimeMs: number
}

export interface WalkScope {
  /** Every shared folder (real paths): a link is followed only into one of them. */
  roots: string[]
  /** Folders never shared (real paths). */
  excluded: string[]
  /** Told of every folder the walk enters (the watcher watches them). */
  onFolder?: (dir: string) => void
}

/** Names never shared: hidden files, and downloads in progress. */
function isIgnoredName (name: string): boolean {
  return name.startsWith('.') || name.endsWith('.arkpart') || name.endsWith('.arkstate') || name.endsWith('.tmp')
}

function isInside (path: string, roots: string[]): boolean {
  return roots.some(root => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep))
}

/** Whether a file at `path` would be shared under `scope` by its place and name (what is there is not looked at). */
export function sharedPlace (path: string, scope: WalkScope): boolean {
  return isInside(path, scope.roots) && !isInside(path, scope.excluded) && !isIgnoredName(basename(path))
}

/**
 * What is at `path` as the shelf sees it: a shared file, a folder to walk, or nothing (missing,
 * ignored, excluded, or a link out of the shared folders). `path` is inside a shared folder.
 */
export async function sharedEntryAt (path: string, scope: WalkScope): Promise<SharedFile | 'folder' | undefined> {
  if (isIgnoredName(basename(path)) || isInside(path, scope.excluded)) return undefined
  try {
    let info = await lstat(path)
    if (info.isSymbolicLink()) {
      // a link is shared only when it resolves to a file inside a shared folder
      const target = await realpath(path)
      if (!isInside(target, scope.roots) || isInside(target, scope.excluded)) return undefined
      info = await stat(target)
      if (!info.isFile()) return undefined
    }
    if (info.isDirectory()) return 'folder'
    if (info.isFile()) return { path, size: info.size, mtimeMs: info.mtimeMs }
  } catch {
    // vanished or unreadable: not shared
  }
  return undefined
}

/** Runs at most `limit` of the calls at once. */
function limiter (limit: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: Array<() => void> = []
  return async (call) => {
    if (running >= limit) await new Promise<void>(resolve => waiting.push(resolve))
    running++
    try {
      return await call()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}

/** Hands every shared file under `dir` (a folder inside a shared one) to `onFile` as it is found, in no particular order. */
export async function walkSharedFiles (dir: string, scope: WalkScope, onFile: (file: SharedFile) => void): Promise<void> {
  const limit = limiter(WALK_CONCURRENCY)
  const walk = async (folder: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return
    scope.onFolder?.(folder)
    let names: string[]
    try {
      names = await limit(async () => await readdir(folder))
    } catch {
      return
    }
    // a slice of the folder at a time: a folder of 10,000 names does not queue 10,000 calls at once
    for (let i = 0; i < names.length; i += WALK_CONCURRENCY) {
      await Promise.all(names.slice(i, i + WALK_CONCURRENCY).map(async (name) => {
        const path = join(folder, name)
        const entry = await limit(async () => await sharedEntryAt(path, scope))
        if (entry === 'folder') await walk(path, depth + 1)
        else if (entry != null) onFile(entry)
      }))
    }
  }
  await walk(dir, 0)
}
