// The text index's snapshot: read back at open only when it is whole and of the catalog's present
// state, else the index is rebuilt; either way the answers are a rebuild's.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { crc32 } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { Catalog } from '../../../../src/index-node/catalog/catalog.js'
import { parseQuery } from '../../../../src/index-node/query.js'
import { syntheticBook, syntheticQueries } from '../../../../bench/synthetic-catalog.js'
import { eventually, removeDir, tempDir } from '../../../helpers.js'

const HOUR = 3_600_000

describe('text index snapshot', () => {
  let dir: string
  let clock: number
  const now = (): number => clock
  const options = (): { path: string, textIndexSnapshot: string, now: () => number } => ({ path: join(dir, 'index.db'), textIndexSnapshot: join(dir, 'text-index.snapshot'), now })
  const snapshot = (): string => join(dir, 'text-index.snapshot')

  /** A catalog of 30 peers with 40 books each, then changes that leave dead slots and moved listings. */
  function fill (catalog: Catalog, peers = 30): void {
    for (let p = 0; p < peers; p++) {
      catalog.upsertPeer(`peer${p}`, [`/ip4/127.0.0.1/tcp/${p + 1}`], clock + HOUR)
      catalog.putBooks(`peer${p}`, Array.from({ length: 40 }, (_, i) => syntheticBook(p * 40 + i)), true)
    }
    // the same books from a second provider, one removed, one retitled, one peer gone
    catalog.upsertPeer('mirror', ['/ip4/127.0.0.1/tcp/999'], clock + HOUR)
    catalog.putBooks('mirror', Array.from({ length: 20 }, (_, i) => syntheticBook(i * 7)), true)
    catalog.removeBooks('peer1', [syntheticBook(41).id])
    catalog.putBooks('peer2', [{ ...syntheticBook(80), title: 'Retitled Whale Saga' }], false)
    catalog.unregister('peer3')
  }

  /** Every query's page, a browse and the counts (each peer's books too), as one value to compare. */
  function answers (catalog: Catalog): unknown {
    const pages = [...syntheticQueries(200, 1200), 'whale', 'saga', 'format:pdf'].map(q => catalog.search(parseQuery(q), { limit: 20 }))
    const books = ['peer0', 'peer1', 'peer2', 'peer3', 'mirror'].map(p => catalog.bookCount(p))
    return { pages, browse: catalog.search(undefined, { provider: 'mirror', limit: 100 }), stats: catalog.stats(), books }
  }

  /** What a catalog opened without a snapshot (a full rebuild) answers. */
  function rebuilt (): unknown {
    const catalog = new Catalog({ path: join(dir, 'index.db'), now })
    try { return answers(catalog) } finally { catalog.close() }
  }

  /** Opens the catalog with its snapshot, checks where its index came from and that it answers as a rebuild. */
  function reopen (source: 'snapshot' | 'catalog', refused?: RegExp): void {
    const catalog = new Catalog(options())
    try {
      assert.equal(catalog.textIndexOrigin.source, source, catalog.textIndexOrigin.refused)
      if (refused != null) assert.match(catalog.textIndexOrigin.refused ?? '', refused)
      assert.deepEqual(answers(catalog), rebuilt())
    } finally {
      catalog.close()
    }
  }

  /** A catalog filled and saved, then closed. */
  async function saved (): Promise<void> {
    const catalog = new Catalog(options())
    fill(catalog)
    assert.equal(await catalog.saveTextIndex(), true)
    assert.equal(await catalog.saveTextIndex(), false, 'nothing changed since')
    catalog.close()
  }

  beforeEach(async () => {
    dir = await tempDir()
    clock = 1_000_000
  })
  afterEach(async () => { await removeDir(dir) })

  it('is read back at open, and answers as a rebuild does', async () => {
    await saved()
    reopen('snapshot')
  })

  it('keeps working after it was read: changes, compaction-free growth, a new save', async () => {
    await saved()
    const catalog = new Catalog(options())
    fill(catalog, 60)
    assert.equal(await catalog.saveTextIndex(), true)
    const live = answers(catalog)
    catalog.close()
    assert.deepEqual(live, rebuilt())
    reopen('snapshot')
  })

  it('saves one at a time when asked several times at once', async () => {
    const catalog = new Catalog(options())
    try {
      fill(catalog)
      const first = catalog.saveTextIndex()
      // a change while the first save is under way: the two next ones wait for it, then one saves
      catalog.putBooks('peer0', [syntheticBook(5000)], false)
      const next = await Promise.all([catalog.saveTextIndex(), catalog.saveTextIndex()])
      assert.equal(await first, true)
      assert.deepEqual(next.sort(), [false, true])
    } finally {
      catalog.close()
    }
    reopen('snapshot')
  })

  it('is not used once the catalog changed after it was saved, even by another program', async () => {
    await saved()
    const db = new Database(join(dir, 'index.db'))
    db.prepare("UPDATE listings SET title = 'Changed Behind Its Back' WHERE id = 5").run()
    db.close()
    reopen('catalog', /generation/)
    assert.equal(existsSync(snapshot()), false, 'the stale snapshot is removed')
  })

  it('is not saved as the catalog when another program changed listings while it ran', async () => {
    const catalog = new Catalog(options())
    try {
      fill(catalog)
      const db = new Database(join(dir, 'index.db'))
      db.prepare('DELETE FROM listings WHERE id = 5').run()
      db.close()
      await assert.rejects(catalog.saveTextIndex(), /generation/)
      assert.equal(existsSync(snapshot()), false)
    } finally {
      catalog.close()
    }
  })

  it('is not used when damaged, truncated, of another format or of another catalog', async () => {
    await saved()
    const good = await readFile(snapshot())
    const flipped = Buffer.from(good)
    flipped[Math.floor(flipped.length / 2)] ^= 0x40
    await writeFile(snapshot(), flipped)
    reopen('catalog', /checksum/)
    await writeFile(snapshot(), good.subarray(0, good.length - 1000))
    reopen('catalog', /checksum/)
    // a format this version does not read, its checksum made right
    const newer = Buffer.from(good)
    newer.writeUInt32LE(99, 16)
    newer.writeUInt32LE(crc32(newer.subarray(0, newer.length - 8)), newer.length - 8)
    await writeFile(snapshot(), newer)
    reopen('catalog', /format 99/)
    await writeFile(snapshot(), 'not a snapshot at all')
    reopen('catalog', /not a text index snapshot/)
    // the same catalog built in another folder: same generation, another database
    const other = join(dir, 'other')
    const twin = new Catalog({ path: `${other}.db`, textIndexSnapshot: `${other}.snapshot`, now })
    fill(twin)
    await twin.saveTextIndex()
    twin.close()
    await copyFile(`${other}.snapshot`, snapshot())
    reopen('catalog', /another catalog/)
  })

  it('keeps leases: a lease that ended while the index was down is over after the restart', async () => {
    await saved()
    clock += 2 * HOUR
    const catalog = new Catalog(options())
    try {
      assert.equal(catalog.textIndexOrigin.source, 'snapshot')
      assert.deepEqual(catalog.search(parseQuery(syntheticBook(0).title), {}).hits, [])
      assert.equal(catalog.stats().peersRegistered, 0)
      assert.ok(catalog.sweepExpired() > 0)
    } finally {
      catalog.close()
    }
    reopen('catalog', /generation/)
  })

  it('survives a kill -9 in the middle of a save: the restart answers as a rebuild', async function () {
    this.timeout(240_000)
    // a kill can land just after a save renamed its file: then the writer runs again, up to 5 times
    for (let attempt = 0; attempt < 5 && !existsSync(`${snapshot()}.tmp`); attempt++) {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./snapshot-writer.ts', import.meta.url)), dir], { stdio: ['ignore', 'pipe', 'inherit'] })
      const exited = new Promise(resolve => child.once('exit', resolve))
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
      // let a few saves complete, then kill the child as soon as the next one has its temporary file
      for (let saves = 0; saves < 4; saves++) await lines.next()
      await eventually(() => existsSync(`${snapshot()}.tmp`), 30_000, 'a save under way')
      child.kill('SIGKILL')
      await exited
    }
    assert.ok(existsSync(`${snapshot()}.tmp`), 'killed in the middle of a save')
    const catalog = new Catalog(options())
    try {
      assert.equal(existsSync(`${snapshot()}.tmp`), false, 'the unfinished save is removed')
      assert.deepEqual(answers(catalog), rebuilt())
      assert.ok(catalog.stats().providers > 0)
    } finally {
      catalog.close()
    }
  })
})
