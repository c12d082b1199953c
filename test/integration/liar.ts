// A hostile provider built from the wire spec alone: it registers a real book with the index,
// answers the manifest truthfully, then serves chunks with one byte flipped ('lie'), or serves a
// few requests correctly and then never answers again ('stall').
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { bookIdOf, chunkLength, type Manifest } from '../../src/content/book-id.js'
import { FETCH, REGISTER, FetchRequest, FetchResponse, Reachability, RegisterRequest, RegisterResponse, Status } from '../../src/wire/messages.js'
import { FETCH_PROTOCOL, REGISTER_PROTOCOL } from '../../src/wire/protocols.js'
import { RequestChannel } from '../../src/wire/request-channel.js'
import { serveRequests } from '../../src/wire/request-loop.js'
import { bookToWire } from '../../src/wire/records.js'
import { createArkshareNode, type ArkshareNode } from '../../src/node/create-node.js'
import { multiaddr } from '@multiformats/multiaddr'
import { LOOPBACK } from '../helpers.js'

export interface LiarOptions {
  ttlSeconds?: number
  mode?: 'lie' | 'stall'
  stallAfter?: number
  /** 'lie': which chunks get a byte flipped (default: every one). */
  corrupts?: (index: number) => boolean
}

export async function startLiar (indexAddress: string, path: string, manifest: Manifest, options: LiarOptions = {}): Promise<ArkshareNode> {
  const mode = options.mode ?? 'lie'
  let served = 0
  const node = await createArkshareNode({ listen: [LOOPBACK] })
  const bytes = await readFile(path)
  const id = bookIdOf(manifest)
  const empty = { status: Status.OK, message: '', size: 0n, chunkSize: 0, chunkHashes: new Uint8Array(0), length: 0n, queuePosition: 0, retryAfterSeconds: 0 }
  await node.handle(FETCH_PROTOCOL, async (stream) => {
    await serveRequests<FetchRequest, FetchResponse>({
      stream,
      log: stream.log,
      exchange: FETCH,
      errorResponse: (status, message) => ({ ...empty, status, message }),
      handle: async (request) => {
        if (request.type === FetchRequest.Type.MANIFEST) {
          return { response: { ...empty, size: BigInt(manifest.size), chunkSize: manifest.chunkSize, chunkHashes: manifest.chunkHashes as Uint8Array<ArrayBuffer> } }
        }
        if (mode === 'stall' && served++ >= (options.stallAfter ?? 1)) {
          // hang: never reply (the stream stays open and silent)
          await new Promise(() => {})
        }
        const chunks: Uint8Array[] = []
        for (let i = request.firstChunk; i < request.firstChunk + request.chunkCount; i++) {
          const chunk = new Uint8Array(bytes.subarray(i * manifest.chunkSize, i * manifest.chunkSize + chunkLength(manifest, i)))
          if (mode === 'lie' && (options.corrupts?.(i) ?? true)) chunk[0] ^= 0xff
          chunks.push(chunk)
        }
        return { response: { ...empty, length: BigInt(chunks.reduce((n, c) => n + c.byteLength, 0)) }, frames: (async function * () { for (const chunk of chunks) yield [chunk] })() }
      }
    })
  }, { runOnLimitedConnection: false })

  const stream = await node.dialProtocol(multiaddr(indexAddress), REGISTER_PROTOCOL)
  const channel = new RequestChannel<RegisterRequest, RegisterResponse>(stream, REGISTER)
  await channel.request({
    type: RegisterRequest.Type.PUT,
    replace: true,
    books: [bookToWire({ id: id.toString(), title: 'Liar copy', author: '', format: 'txt', size: manifest.size, fileName: basename(path), language: '' })],
    remove: [],
    ttl: options.ttlSeconds ?? 0,
    reachability: Reachability.UNKNOWN
  })
  return node
}
