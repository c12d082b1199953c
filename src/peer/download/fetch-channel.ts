// The requests a downloader sends a provider on a fetch stream.
import { verifyManifest, type Manifest } from '../../content/book-id.js'
import { FetchRequest, type FetchResponse } from '../../wire/messages.js'
import { BadDataError } from './errors.js'
import type { ChunkRun } from './chunk-plan.js'
import type { RequestChannel } from '../../wire/request-channel.js'
import type { CID } from 'multiformats/cid'

export type FetchChannel = RequestChannel<FetchRequest, FetchResponse>

/** Asks for the book's manifest; one that does not hash to the book ID is the provider's lie. */
export async function requestManifest (channel: FetchChannel, id: CID, signal: AbortSignal): Promise<Manifest> {
  const reply = await channel.request({ type: FetchRequest.Type.MANIFEST, bookId: id.bytes as Uint8Array<ArrayBuffer>, firstChunk: 0, chunkCount: 0 }, signal)
  const manifest = { size: Number(reply.size), chunkSize: reply.chunkSize, chunkHashes: reply.chunkHashes }
  try {
    verifyManifest(id, manifest)
  } catch (err) {
    throw new BadDataError(`sent a manifest that does not match the book ID (${(err as Error).message})`)
  }
  return manifest
}

export function chunksRequest (id: CID, run: ChunkRun): FetchRequest {
  return { type: FetchRequest.Type.CHUNKS, bookId: id.bytes as Uint8Array<ArrayBuffer>, firstChunk: run.first, chunkCount: run.count }
}
