// Protocol IDs and the limits every implementation enforces (protocols/README.md, "Limits").
import { CHUNK_SIZE, MAX_CHUNKS } from '../content/book-id.js'

export const REGISTER_PROTOCOL = '/arkshare/register/1.0.0'
export const SEARCH_PROTOCOL = '/arkshare/search/1.0.0'
export const FETCH_PROTOCOL = '/arkshare/fetch/1.0.0'
/** The fetch exchange over a relayed connection, for small books only (spec 5.5). */
export const FETCH_RELAYED_PROTOCOL = '/arkshare/fetch-relayed/1.0.0'

const KiB = 1024
const MiB = 1024 * KiB

export const LIMITS = {
  register: {
    maxMessageBytes: 1 * MiB,
    /** replies carry no list: a few hundred bytes at most */
    maxResponseBytes: 64 * KiB,
    maxBooksPerMessage: 1000,
    maxRemovesPerMessage: 1000
  },
  search: {
    maxRequestBytes: 4 * KiB,
    maxResponseBytes: 4 * MiB,
    maxResultsPerPage: 100,
    maxProvidersPerResult: 20,
    maxAddrsPerProvider: 8
  },
  fetch: {
    maxRequestBytes: 1 * KiB,
    /** a MANIFEST reply of the largest book (131,072 chunk hashes) fits */
    maxResponseBytes: 4 * MiB + 64 * KiB,
    maxChunksPerRequest: 64
  },
  book: {
    maxTitleChars: 512,
    maxAuthorChars: 256,
    maxFileNameChars: 255,
    maxFormatChars: 16,
    maxLanguageChars: 35,
    /** 131,072 chunks of 256 KiB: 32 GiB */
    maxSizeBytes: MAX_CHUNKS * CHUNK_SIZE
  },
  /** Every stream: a request must arrive within this long of the previous reply (or of opening). */
  streamIdleMs: 30_000,
  /** Every stream: at most this many requests before the server closes it. */
  maxRequestsPerStream: 10_000,
  /** Streams a reference node serves at once, over all connections and from one IP address. */
  openStreams: {
    index: { maxOpen: 4096, maxOpenPerAddress: 128 },
    peer: { maxOpen: 256, maxOpenPerAddress: 32 }
  }
} as const
