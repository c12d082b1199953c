// A child process for the snapshot's crash test: keeps changing a catalog and saving its text index,
// saying "saving" just before each save, until it is killed.
//   snapshot-writer.ts <dir>
import { Catalog } from '../../../../src/index-node/catalog/catalog.js'
import { syntheticBook } from '../../../../bench/synthetic-catalog.js'

const dir = process.argv[2]
const catalog = new Catalog({ path: `${dir}/index.db`, textIndexSnapshot: `${dir}/text-index.snapshot` })
// books never listed before in this folder (the test may run the writer more than once)
for (let round = (process.pid % 1000) * 1000; ; round++) {
  const peer = `peer${round % 50}`
  catalog.upsertPeer(peer, ['/ip4/127.0.0.1/tcp/1'], Date.now() + 3_600_000)
  catalog.putBooks(peer, Array.from({ length: 400 }, (_, i) => syntheticBook(round * 400 + i)), true)
  process.stdout.write(`saving ${round}\n`)
  await catalog.saveTextIndex()
}
