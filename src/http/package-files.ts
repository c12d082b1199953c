// Where this package lives on disk: its version (for `info` and metrics) and its built page.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StaticFilesInit } from './static-files.js'

/** The package root: the nearest folder up from this module holding arkshare's package.json. */
function packageRoot (): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'arkshare') return dir
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

const root = packageRoot()

export const VERSION: string = root != null ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version : 'unknown'

/** Preact's own ES module folders, under the URLs the page's import map names. */
const VENDOR: Array<{ prefix: string, module: string }> = [
  { prefix: '/vendor/preact/', module: 'preact' },
  { prefix: '/vendor/preact/hooks/', module: 'preact/hooks' },
  { prefix: '/vendor/preact/jsx-runtime/', module: 'preact/jsx-runtime' }
]

/**
 * The built page's files, when there is a built page: `dist/ui/` (the front end's build) under
 * `/ui/`, its `index.html` also at `/`, and the folders of Preact's own modules under `/vendor/`
 * (only the folders holding the files the import map loads). The CSP allows that page's inline
 * import map by its hash.
 */
/** Where Node finds a package's module (its `exports`' default file). */
const resolveModule = createRequire(import.meta.url).resolve

export function builtPage (): StaticFilesInit | undefined {
  const dir = root != null ? join(root, 'dist', 'ui') : undefined
  if (dir == null || !existsSync(join(dir, 'index.html'))) return undefined
  const vendor = VENDOR.map(({ prefix, module }) => ({ prefix, dir: dirname(resolveModule(module)) }))
  return { mounts: [{ prefix: '/ui/', dir }, ...vendor], page: '/ui/index.html' }
}
