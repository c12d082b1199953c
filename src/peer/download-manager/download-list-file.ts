// The unfinished downloads, kept in the data folder so they resume after a restart. Saves are
// atomic and one at a time (a burst of changes makes one more save, not one each). A file that
// cannot be read as a download list is refused, never overwritten: the node does not start, and
// the list is still there for whoever repairs it.
import { readFile } from 'node:fs/promises'
import { parseBookId } from '../../content/book-id.js'
import { writeFileAtomic } from '../atomic-file.js'
import { DownloadListError } from '../errors.js'
import type { ProviderInfo } from '../../wire/records.js'
import type { Logger } from '@libp2p/interface'

/** A download as the list file keeps it (an active one is saved as queued). */
export interface SavedDownload {
  id: string
  state: 'queued' | 'paused' | 'failed'
  outDir: string
  title: string
  fileName: string
  size: number
  /** Bytes verified on disk when it was saved. */
  bytesDone?: number
  hints: ProviderInfo[]
  error?: string
  addedAt: number
}

const VERSION = 1
const SAVED_STATES = new Set(['queued', 'paused', 'failed'])

function fail (why: string): never {
  throw new Error(why)
}

function isString (value: unknown): value is string { return typeof value === 'string' }

function checkHint (hint: any, where: string): ProviderInfo {
  if (hint == null || !isString(hint.peerId) || !Array.isArray(hint.multiaddrs) || !hint.multiaddrs.every(isString)) fail(`${where}: a hint needs a peerId and multiaddrs`)
  return { peerId: hint.peerId, multiaddrs: hint.multiaddrs }
}

/** One entry, checked field by field; throws with the entry's place and the field at fault. */
function checkEntry (entry: any, i: number): SavedDownload {
  const where = `download ${i + 1}`
  if (entry == null || typeof entry !== 'object') fail(`${where} is not an object`)
  try { parseBookId(entry.id) } catch { fail(`${where}: "id" is not a book ID`) }
  if (!SAVED_STATES.has(entry.state)) fail(`${where}: "state" must be queued, paused or failed`)
  for (const field of ['outDir', 'title', 'fileName']) if (!isString(entry[field])) fail(`${where}: "${field}" must be a string`)
  if (entry.outDir === '') fail(`${where}: "outDir" is empty`)
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) fail(`${where}: "size" must be a whole number of bytes`)
  if (entry.bytesDone != null && (!Number.isSafeInteger(entry.bytesDone) || entry.bytesDone < 0)) fail(`${where}: "bytesDone" must be a whole number of bytes`)
  if (!Number.isFinite(entry.addedAt)) fail(`${where}: "addedAt" must be a time`)
  if (entry.error != null && !isString(entry.error)) fail(`${where}: "error" must be a string`)
  if (!Array.isArray(entry.hints)) fail(`${where}: "hints" must be a list`)
  const hints = entry.hints.map((h: unknown) => checkHint(h, where))
  return {
    id: entry.id,
    state: entry.state,
    outDir: entry.outDir,
    title: entry.title,
    fileName: entry.fileName,
    size: entry.size,
    ...(entry.bytesDone != null ? { bytesDone: entry.bytesDone } : {}),
    hints,
    ...(entry.error != null ? { error: entry.error } : {}),
    addedAt: entry.addedAt
  }
}

/** Parses a list file's text; throws a plain Error saying what is wrong. */
export function parseDownloadList (text: string): SavedDownload[] {
  let data: any
  try { data = JSON.parse(text) } catch (err) { fail(`not JSON (${(err as Error).message})`) }
  if (data?.version !== VERSION) fail(`unknown version ${JSON.stringify(data?.version)} (expected ${VERSION})`)
  if (!Array.isArray(data.downloads)) fail('"downloads" must be a list')
  const entries = data.downloads.map(checkEntry) as SavedDownload[]
  const ids = new Set<string>()
  for (const entry of entries) {
    if (ids.has(entry.id)) fail(`${entry.id} is listed twice`)
    ids.add(entry.id)
  }
  return entries
}

export class DownloadListFile {
  private saving?: Promise<void>
  private pending?: () => SavedDownload[]

  constructor (readonly path: string, private readonly log: Logger) {}

  /** The saved list (empty when there is no file yet); throws DownloadListError for a damaged one. */
  async load (): Promise<SavedDownload[]> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new DownloadListError(`cannot read the download list ${this.path}: ${(err as Error).message}`)
    }
    try {
      return parseDownloadList(text)
    } catch (err) {
      throw new DownloadListError(`the download list ${this.path} is damaged: ${(err as Error).message}. It was left as it is: repair it, or move it aside to start with an empty list`)
    }
  }

  /** Saves what `snapshot` returns, soon; a save already running is followed by one more, not one per call. */
  save (snapshot: () => SavedDownload[]): void {
    this.pending = snapshot
    this.saving ??= this.drain().finally(() => { this.saving = undefined })
  }

  /** Resolves once every requested save is on disk (or has failed, logged). */
  async flush (): Promise<void> {
    while (this.saving != null) await this.saving
  }

  private async drain (): Promise<void> {
    // changes made together (a clear, a restart's resumes) make one save
    await new Promise(resolve => setImmediate(resolve))
    while (this.pending != null) {
      const snapshot = this.pending
      this.pending = undefined
      try {
        await writeFileAtomic(this.path, `${JSON.stringify({ version: VERSION, downloads: snapshot() }, null, 1)}\n`)
      } catch (err) {
        // the previous list stays on disk whole; the next change tries again
        this.log.error('cannot save the download list %s: %e', this.path, err)
      }
    }
  }
}
