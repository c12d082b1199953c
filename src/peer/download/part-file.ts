// A download in progress on disk: "<name>.arkpart" holds chunks at their offsets and
// "<name>.arkstate" names the book they belong to, so a crashed download resumes from the verified
// chunks on disk; the file takes its final name only once complete.
import { open, unlink, mkdir, readFile, writeFile, rename, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { chunkLength, chunkMatches, type Manifest } from '../../content/book-id.js'
import { FROM_DISK } from './provider-ledger.js'
import { publishFile } from './target.js'
import type { ChunkPlan } from './chunk-plan.js'
import type { CID } from 'multiformats/cid'

/** What "<name>.arkstate" holds. */
interface PartState { version: 1, id: string, size: number }

async function readState (path: string): Promise<PartState | undefined> {
  try { return JSON.parse(await readFile(path, 'utf8')) as PartState } catch { return undefined }
}

async function openOrCreate (path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    return await open(path, 'w+')
  }
}

/** Marks the chunks already on disk that match the manifest as done; returns their bytes. */
async function verifyChunksOnDisk (file: FileHandle, plan: ChunkPlan, manifest: Manifest): Promise<number> {
  const buffer = Buffer.allocUnsafe(manifest.chunkSize)
  const { size } = await file.stat()
  let verifiedBytes = 0
  for (let i = 0; i < plan.total; i++) {
    const length = chunkLength(manifest, i)
    if (i * manifest.chunkSize + length > size) break
    const { bytesRead } = await file.read(buffer, 0, length, i * manifest.chunkSize)
    if (bytesRead === length && chunkMatches(manifest, i, buffer.subarray(0, length))) {
      plan.markDone(i, FROM_DISK)
      verifiedBytes += length
    }
  }
  return verifiedBytes
}

/** Where the part of book `id` named `name` lives in `dir`: its own name, or beside another book's. */
function partBases (dir: string, name: string, id: string): string[] {
  return [join(dir, name), join(dir, `${name}.${id.slice(-12)}`)]
}

export class PartFile {
  private constructor (
    readonly file: FileHandle,
    readonly path: string,
    private readonly statePath: string,
    /** Bytes of verified chunks found on disk when it was opened. */
    readonly resumedBytes: number
  ) {}

  /** Opens (or resumes) the part file of book `id` in `dir`; chunks already on disk are verified and marked done in `plan`. */
  static async open (dir: string, name: string, id: CID, manifest: Manifest, plan: ChunkPlan): Promise<PartFile> {
    await mkdir(dir, { recursive: true })
    const [own, apart] = partBases(dir, name, id.toString())
    let base = own
    let state = await readState(`${base}.arkstate`)
    if (state != null && state.id !== id.toString()) {
      // another book's partial download has this name: keep ours apart
      base = apart
      state = await readState(`${base}.arkstate`)
    }
    const statePath = `${base}.arkstate`
    if (state == null) {
      // the state file is written first, so a part file is never left without its book ID
      const temp = `${statePath}.tmp`
      await writeFile(temp, JSON.stringify({ version: 1, id: id.toString(), size: manifest.size } satisfies PartState))
      await rename(temp, statePath)
    }
    const partPath = `${base}.arkpart`
    const file = await openOrCreate(partPath)
    const resumedBytes = state != null ? await verifyChunksOnDisk(file, plan, manifest) : 0
    return new PartFile(file, partPath, statePath, resumedBytes)
  }

  /** Removes the part of book `id` saved as `name` in `dir` (a cancelled download), never another book's. */
  static async remove (dir: string, name: string, id: string): Promise<void> {
    for (const base of partBases(dir, name, id)) {
      if ((await readState(`${base}.arkstate`))?.id !== id) continue
      await unlink(`${base}.arkpart`).catch(() => {})
      await unlink(`${base}.arkstate`).catch(() => {})
    }
  }

  /** Gives the complete file its final name in `dir` (never replacing a file) and returns it. */
  async publish (dir: string, name: string, size: number): Promise<string> {
    // a part file left by an older attempt may be longer than the book
    await this.file.truncate(size)
    await this.file.sync()
    await this.file.close()
    const published = await publishFile(this.path, dir, name)
    await unlink(this.statePath).catch(() => {})
    return published
  }

  /** Closes an unfinished download: verified chunks are kept for a later resume, an empty part is removed. */
  async abandon (keep: boolean): Promise<void> {
    await this.file.close().catch(() => {})
    if (!keep) {
      await unlink(this.path).catch(() => {})
      await unlink(this.statePath).catch(() => {})
    }
  }
}
