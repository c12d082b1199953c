// Where a download lands. File names come from other peers via the index, so they are untrusted:
// reduce them to a safe base name, and never overwrite an existing file.
import { link, unlink } from 'node:fs/promises'
import { extname, join } from 'node:path'

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i
const MAX_NAME_BYTES = 200

/** A base name that is safe on Linux, macOS and Windows; falls back to `<fallback>`. */
export function safeFileName (name: string, fallback: string): string {
  let clean = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[/\\:*?"<>|]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .trim()
  if (RESERVED.test(clean)) clean = `_${clean}`
  while (Buffer.byteLength(clean) > MAX_NAME_BYTES) {
    const ext = extname(clean)
    const stem = clean.slice(0, clean.length - ext.length)
    clean = ext.length > 0 && ext.length < 20 && stem.length > 1 ? stem.slice(0, -1) + ext : clean.slice(0, -1)
  }
  return clean === '' || clean.endsWith('.arkpart') || clean.endsWith('.arkstate') ? fallback : clean
}

function candidate (dir: string, name: string, n: number): string {
  if (n === 0) return join(dir, name)
  const ext = extname(name)
  return join(dir, `${name.slice(0, name.length - ext.length)} (${n})${ext}`)
}

/**
 * Gives a finished temp file its final name without ever replacing an existing file: link()
 * fails atomically when the name is taken, so we try "name (1).ext", "name (2).ext", ...
 */
export async function publishFile (tempPath: string, dir: string, name: string): Promise<string> {
  for (let n = 0; n < 1000; n++) {
    const target = candidate(dir, name, n)
    try {
      await link(tempPath, target)
      await unlink(tempPath)
      return target
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
  throw new Error(`no free file name for ${name} in ${dir}`)
}
