// Where this package lives on disk: its version (for `info` and metrics) and its built page.
import { existsSync, readFileSync } from 'node:fs'
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

/**
 * The built page's files, when there is a built page: `dist/ui/` (the front end's build) under
 * `/ui/`, its `index.html` also at `/`. The CSP allows that page's inline import map by its hash;
 * the folders the import map points into (Preact's own files) are mounted here beside it.
 */
export function builtPage (): StaticFilesInit | undefined {
  const dir = root != null ? join(root, 'dist', 'ui') : undefined
  if (dir == null || !existsSync(join(dir, 'index.html'))) return undefined
  return { mounts: [{ prefix: '/ui/', dir }], page: '/ui/index.html' }
}
