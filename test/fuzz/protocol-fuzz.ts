// Protocol fuzzing against real nodes on loopback: random and mutated protobuf messages, wrong,
// over-long and endless (0xff...) length prefixes, truncated and abandoned streams, idle streams, on every arkshare protocol, while
// a legitimate peer keeps searching and downloading. Used by `npm run fuzz` and, briefly, by npm test.
import { join } from 'node:path'
import { readFile, rm } from 'node:fs/promises'
import { multiaddr } from '@multiformats/multiaddr'
import { varint } from 'multiformats'
import { mulberry32 } from '../../scripts/prng.js'
import { secondHalfTrend } from '../../scripts/trend.js'
import { bookIdOf } from '../../src/content/book-id.js'
import { hashFile } from '../../src/content/hash-file.js'
import { createArkshareNode, type ArkshareNode, type IndexNode } from '../../src/node/create-node.js'
import { FetchRequest, RegisterRequest, SearchRequest } from '../../src/wire/messages.js'
import { sendBounded } from '../../src/wire/framing.js'
import { FETCH_PROTOCOL, REGISTER_PROTOCOL, SEARCH_PROTOCOL } from '../../src/wire/protocols.js'
import { bookToWire } from '../../src/wire/records.js'
import { bookBytes, indexAddr, removeDir, startIndex, startPeer, tempDir, waitForProviders, writeBook, LOOPBACK } from '../helpers.js'

export interface FuzzReport {
  seconds: number
  attacks: number
  byKind: Record<string, number>
  legitimateOk: number
  legitimateFailed: number
  failures: string[]
  uncaught: string[]
  rssStartMiB: number
  rssPeakMiB: number
  rssEndMiB: number
  /** JS heap after a full collection (when run with --expose-gc, else without), every 2 s: [seconds, MiB]. */
  heapMiB: Array<[number, number]>
  /** Growth of that heap over the second half of the run, MiB a minute (start-up growth left out). */
  heapTrendMiBPerMinute: number
}

const KINDS = ['random', 'mutated', 'wrong-prefix', 'huge-prefix', 'over-long-prefix', 'endless-prefix', 'truncated', 'abandon-mid-reply', 'idle']

function frameWith (prefix: number, payload: Uint8Array): Uint8Array {
  const head = new Uint8Array(varint.encodingLength(prefix))
  varint.encodeTo(prefix, head)
  const out = new Uint8Array(head.byteLength + payload.byteLength)
  out.set(head)
  out.set(payload, head.byteLength)
  return out
}

function mutate (random: () => number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes)
  const flips = 1 + Math.floor(random() * 4)
  for (let i = 0; i < flips && out.byteLength > 0; i++) out[Math.floor(random() * out.byteLength)] = Math.floor(random() * 256)
  if (random() < 0.3) return out.subarray(0, Math.floor(random() * out.byteLength))
  return out
}

const rss = (): number => Math.round(process.memoryUsage().rss / 1024 / 1024)
const heap = (): number => {
  (globalThis as { gc?: () => void }).gc?.()
  return Math.round(process.memoryUsage().heapUsed / 1024 / 1024 * 10) / 10
}

export async function runFuzz (options: { seconds: number, seed?: number, concurrency?: number }): Promise<FuzzReport> {
  const random = mulberry32(options.seed ?? 1)
  const dir = await tempDir('arkshare-fuzz-')
  const report: FuzzReport = { seconds: options.seconds, attacks: 0, byKind: {}, legitimateOk: 0, legitimateFailed: 0, failures: [], uncaught: [], rssStartMiB: rss(), rssPeakMiB: rss(), rssEndMiB: 0, heapMiB: [], heapTrendMiBPerMinute: 0 }
  const onUncaught = (err: unknown): void => { report.uncaught.push(String((err as Error)?.stack ?? err)) }
  process.on('uncaughtException', onUncaught)
  process.on('unhandledRejection', onUncaught)
  let index: IndexNode | undefined
  const nodes: ArkshareNode[] = []
  try {
    index = await startIndex()
    const bookPath = await writeBook(join(dir, 'shelf'), 'Fuzz Target - A Book.txt', bookBytes(99, 600_000))
    const bookBytesOnDisk = await readFile(bookPath)
    const manifest = await hashFile(bookPath)
    const id = bookIdOf(manifest)
    const sharer = await startPeer(index, { share: [join(dir, 'shelf')], dataDir: join(dir, 'sharer') })
    const attacker = await createArkshareNode({ listen: [LOOPBACK] })
    const honest = await startPeer(index, { dataDir: join(dir, 'honest') })
    nodes.push(sharer, attacker, honest)
    await waitForProviders(index, id.toString(), 1)

    const targets = [
      { protocol: REGISTER_PROTOCOL, addr: indexAddr(index), valid: RegisterRequest.encode({ type: RegisterRequest.Type.PUT, replace: true, books: [bookToWire({ id: id.toString(), title: 'x', author: 'y', format: 'txt', size: 1, fileName: 'x.txt', language: '' })], remove: [], ttl: 0 }) },
      { protocol: SEARCH_PROTOCOL, addr: indexAddr(index), valid: SearchRequest.encode({ query: 'fuzz target', limit: 10, offset: 0, provider: new Uint8Array(), bookId: new Uint8Array(), stats: false }) },
      { protocol: FETCH_PROTOCOL, addr: sharer.getMultiaddrs()[0].toString(), valid: FetchRequest.encode({ type: FetchRequest.Type.CHUNKS, bookId: id.bytes as Uint8Array<ArrayBuffer>, firstChunk: 0, chunkCount: 3 }) }
    ]

    const attack = async (): Promise<void> => {
      const target = targets[Math.floor(random() * targets.length)]
      const kind = KINDS[Math.floor(random() * KINDS.length)]
      report.byKind[kind] = (report.byKind[kind] ?? 0) + 1
      report.attacks++
      const stream = await attacker.dialProtocol(multiaddr(target.addr), target.protocol, { signal: AbortSignal.timeout(5_000) })
      try {
        switch (kind) {
          case 'random': stream.send(crypto.getRandomValues(new Uint8Array(Math.floor(random() * 2000)))); break
          case 'mutated': stream.send(frameWith(target.valid.byteLength, mutate(random, target.valid))); break
          case 'wrong-prefix': stream.send(frameWith(target.valid.byteLength + 1 + Math.floor(random() * 50), target.valid)); break
          case 'huge-prefix': stream.send(frameWith(1 + Math.floor(random() * 2 ** 31), target.valid.subarray(0, 4))); break
          case 'truncated': stream.send(frameWith(target.valid.byteLength, target.valid).subarray(0, 1 + Math.floor(random() * target.valid.byteLength))); break
          case 'abandon-mid-reply': stream.send(frameWith(target.valid.byteLength, target.valid)); break
          case 'over-long-prefix': stream.send(new Uint8Array(9 + Math.floor(random() * 3)).fill(0xff).map((b, i, all) => random() < 0.5 && i === all.length - 1 ? 0x7f : b)); break
          case 'endless-prefix': {
            // 0xff for up to a second, as fast as the node takes it: a length that never ends
            const until = Date.now() + random() * 1000
            while (Date.now() < until && stream.writeStatus === 'writable') await sendBounded(stream, new Uint8Array(16 * 1024).fill(0xff), AbortSignal.timeout(2_000))
            break
          }
          case 'idle': break
        }
        if (kind !== 'idle' && kind !== 'abandon-mid-reply' && random() < 0.5) await stream.close({ signal: AbortSignal.timeout(2_000) }).catch(() => {})
        await new Promise(resolve => setTimeout(resolve, kind === 'idle' ? 500 + random() * 1500 : random() * 50))
      } finally {
        stream.abort(new Error('fuzz: done'))
      }
    }

    const deadline = Date.now() + options.seconds * 1000
    const attackers = Array.from({ length: options.concurrency ?? 8 }, async () => {
      while (Date.now() < deadline) {
        try { await attack() } catch { /* refusals and resets are the expected outcome */ }
        report.rssPeakMiB = Math.max(report.rssPeakMiB, rss())
      }
    })
    const legitimate = (async () => {
      let round = 0
      while (Date.now() < deadline) {
        try {
          const { results } = await honest.services.arkshare.search('fuzz target')
          if (results.length !== 1) throw new Error(`search found ${results.length} books`)
          const got = await honest.services.arkshare.get(id.toString(), { outDir: join(dir, 'dl', String(round++)) })
          if (!(await readFile(got.path)).equals(bookBytesOnDisk)) throw new Error('downloaded bytes differ')
          // the copy would be shared from now on: removed, so the honest peer stays the same size
          await rm(join(dir, 'dl', String(round - 1)), { recursive: true, force: true })
          report.legitimateOk++
        } catch (err) {
          report.legitimateFailed++
          report.failures.push((err as Error).message)
        }
        await new Promise(resolve => setTimeout(resolve, 200))
      }
    })()
    const started = Date.now()
    const sampler = setInterval(() => { report.heapMiB.push([Math.round((Date.now() - started) / 1000), heap()]) }, 2_000)
    try {
      await Promise.all([...attackers, legitimate])
    } finally {
      clearInterval(sampler)
    }
    report.heapTrendMiBPerMinute = secondHalfTrend(report.heapMiB)
  } finally {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await index?.stop()
    process.off('uncaughtException', onUncaught)
    process.off('unhandledRejection', onUncaught)
    await removeDir(dir)
    report.rssEndMiB = rss()
  }
  return report
}
