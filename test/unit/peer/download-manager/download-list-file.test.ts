import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { bookIdOf } from '../../../../src/content/book-id.js'
import { DownloadListFile, parseDownloadList, type SavedDownload } from '../../../../src/peer/download-manager/download-list-file.js'
import { DownloadListError } from '../../../../src/peer/errors.js'
import { folderAndNodesPerTest } from '../../../helpers.js'

const id = (n: number): string => bookIdOf({ size: n, chunkSize: 262144, chunkHashes: new Uint8Array(32) }).toString()
const entry = (n: number, more: Partial<SavedDownload> = {}): SavedDownload => ({
  id: id(n), state: 'queued', outDir: '/books', title: `Book ${n}`, fileName: `book-${n}.epub`, size: n, bytesDone: 0, hints: [], addedAt: 1000 + n, ...more
})
const log = defaultLogger().forComponent('test')

describe('download list file', () => {
  const scope = folderAndNodesPerTest()

  it('reads back what it saved: the last state of a burst of saves', async () => {
    const file = new DownloadListFile(join(scope.dir, 'downloads.json'), log)
    assert.deepEqual(await file.load(), [], 'no file yet: an empty list')
    let state = [entry(1)]
    for (let i = 2; i <= 5; i++) {
      state = [...state, entry(i, { state: 'paused', hints: [{ peerId: 'p', multiaddrs: ['/ip4/127.0.0.1/tcp/1'] }] })]
      file.save(() => state)
    }
    await file.flush()
    assert.deepEqual(await file.load(), state)
    // written beside and renamed over: no temp file is left
    assert.deepEqual(await readdir(scope.dir), ['downloads.json'])
  })

  it('refuses a damaged file with its path and the reason, and leaves it as it was', async () => {
    const path = join(scope.dir, 'downloads.json')
    const cases: Array<[string, RegExp]> = [
      ['{"version": 1, "downloads": [', /not JSON/],
      ['{"version": 2, "downloads": []}', /unknown version 2/],
      ['[]', /unknown version/],
      [JSON.stringify({ version: 1, downloads: [{ ...entry(1), id: 'not-a-book' }] }), /download 1: "id" is not a book ID/],
      [JSON.stringify({ version: 1, downloads: [entry(1), { ...entry(2), state: 'done' }] }), /download 2: "state" must be queued, paused or failed/],
      [JSON.stringify({ version: 1, downloads: [entry(1), { ...entry(2), size: -1 }] }), /download 2: "size"/],
      [JSON.stringify({ version: 1, downloads: [entry(1), entry(1)] }), /listed twice/]
    ]
    for (const [text, reason] of cases) {
      await writeFile(path, text)
      const file = new DownloadListFile(path, log)
      await assert.rejects(file.load(), (err: Error) => {
        assert.ok(err instanceof DownloadListError, err.name)
        assert.match(err.message, reason)
        assert.ok(err.message.includes(path), err.message)
        assert.match(err.message, /left as it is/)
        return true
      })
      assert.equal(await readFile(path, 'utf8'), text, 'nothing is lost')
    }
  })

  it('parses what the manager writes', () => {
    assert.deepEqual(parseDownloadList(JSON.stringify({ version: 1, downloads: [entry(3, { state: 'failed', error: 'all 1 provider(s) failed' })] })),
      [entry(3, { state: 'failed', error: 'all 1 provider(s) failed' })])
  })
})
