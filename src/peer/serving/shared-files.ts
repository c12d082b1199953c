// The files a shared folder holds: walked recursively (to a bounded depth), without hidden files,
// partial downloads, excluded folders, or links that lead out of the shared folders.
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'

/** Deeper folders are not walked (a guard against loops and pathological trees). */
const MAX_DEPTH = 32

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
}

/** Names never shared: hidden files, and downloads in progress. */
function isIgnoredName (name: string): boolean {
  return name.startsWith('.') || name.endsWith('.arkpart') || name.endsWith('.arkstate') || name.endsWith('.tmp')
}

function isInside (path: string, roots: string[]): boolean {
  return roots.some(root => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep))
}

export async function * walkSharedFiles (dir: string, scope: WalkScope, depth = 0): AsyncGenerator<SharedFile> {
  if (depth > MAX_DEPTH) return
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (isIgnoredName(name)) continue
    const path = join(dir, name)
    if (isInside(path, scope.excluded)) continue
    let info
    try {
      info = await lstat(path)
      if (info.isSymbolicLink()) {
        // a link is shared only when it resolves to a file inside a shared folder
        const target = await realpath(path)
        if (!isInside(target, scope.roots) || isInside(target, scope.excluded)) continue
        info = await stat(target)
        if (!info.isFile()) continue
      }
    } catch {
      continue
    }
    if (info.isDirectory()) {
      yield * walkSharedFiles(path, scope, depth + 1)
    } else if (info.isFile()) {
      yield { path, size: info.size, mtimeMs: info.mtimeMs }
    }
  }
}
