// The page's files, read into memory once at start from the folders named in the configuration:
// a request is answered by looking its path up in that whitelist, never by building a file path
// from the URL, so no URL (dots, encoded slashes, NUL, backslashes) can reach another file.
import { createHash } from 'node:crypto'
import { lstat, readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { importMapSource } from './security/headers.js'

/** The kinds of file served, by extension; anything else in the folders is left out. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8'
}
/** A URL path segment we serve: plain names only, no dot files. */
const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/
/** Bounds on what is held in memory, against a mount that names the wrong folder. */
const MAX_FILES = 2_000
const MAX_TOTAL_BYTES = 64 * 1024 * 1024

export interface StaticMount {
  /** URL prefix, starting and ending with `/`, e.g. `/ui/`. */
  prefix: string
  dir: string
}

export interface StaticFile {
  body: Buffer
  type: string
  etag: string
}

export interface StaticFilesInit {
  mounts: StaticMount[]
  /** The whitelisted URL also served at `/` (the page), e.g. `/ui/index.html`. */
  page?: string
}

export class StaticFiles {
  /** The page's inline import map as a CSP script source, when it has one. */
  readonly importMap?: string

  private constructor (private readonly files: Map<string, StaticFile>, page?: string) {
    const root = page != null ? files.get(page) : undefined
    if (root != null) {
      files.set('/', root)
      this.importMap = importMapSource(root.body.toString('utf8'))
    }
  }

  static async load (init: StaticFilesInit): Promise<StaticFiles> {
    const files = new Map<string, StaticFile>()
    let total = 0
    for (const mount of init.mounts) {
      if (!/^\/([A-Za-z0-9_-][A-Za-z0-9._-]*\/)*$/.test(mount.prefix)) throw new Error(`not a URL prefix: ${mount.prefix}`)
      for (const { url, path } of await walk(mount.dir, mount.prefix)) {
        const body = await readFile(path)
        total += body.length
        if (files.size >= MAX_FILES || total > MAX_TOTAL_BYTES) throw new Error(`too many or too large files to serve under ${mount.dir}`)
        files.set(url, { body, type: TYPES[extname(path).toLowerCase()], etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` })
      }
    }
    if (init.page != null && !files.has(init.page)) throw new Error(`the page ${init.page} is not among the files served`)
    return new StaticFiles(files, init.page)
  }

  /** The file at exactly this URL path (undecoded), if it is one of ours. */
  get (urlPath: string): StaticFile | undefined {
    return this.files.get(urlPath)
  }

  get size (): number {
    return this.files.size
  }
}

/** Regular files of known types under `dir` (no links followed, no dot files), with their URLs. */
async function walk (dir: string, prefix: string): Promise<Array<{ url: string, path: string }>> {
  const found: Array<{ url: string, path: string }> = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!SAFE_SEGMENT.test(entry.name)) continue
    const path = join(dir, entry.name)
    const info = await lstat(path)
    if (info.isDirectory()) found.push(...await walk(path, `${prefix}${entry.name}/`))
    else if (info.isFile() && TYPES[extname(entry.name).toLowerCase()] != null) found.push({ url: `${prefix}${entry.name}`, path })
  }
  return found
}
