// The shapes the node's JSON API and event stream answer with, as the page reads them (the page
// imports nothing of the node's code: these are written from the API the README describes).

export type Role = 'peer' | 'index'

export interface Info { role: Role, version: string, peerId: string, multiaddrs: string[] }

export interface Book {
  id: string
  title: string
  author: string
  format: string
  size: number
  fileName: string
  language: string
}

export interface Provider { peerId: string, multiaddrs: string[], latencyMs: number | null }

export interface BookEntry { book: Book, providers: Provider[], bestLatencyMs: number | null, onShelf: boolean }

export interface Results {
  results: BookEntry[]
  total: number
  totalIsEstimate: boolean
  failures: Array<{ index: string, error: string }>
}

export type DownloadState = 'queued' | 'active' | 'paused' | 'done' | 'failed' | 'cancelled'

export interface Download {
  id: string
  state: DownloadState
  title: string
  fileName: string
  size: number
  bytesDone: number
  chunksDone: number
  chunksTotal: number
  resumedBytes: number
  bytesPerSecond: number
  etaSeconds: number | null
  activeProviders: number
  queued: Array<{ peerId: string, position: number }>
  hints: number
  error?: string
  path?: string
  addedAt: number
  finishedAt?: number
}

export interface LedgerEntry {
  peerId: string
  mapIndex: number
  chunksVerified: number
  chunksUsed: number
  chunksRejected: number
  bytes: number
  dropped?: { reason: string, message: string }
}

export interface DownloadDetail extends Download {
  providers: LedgerEntry[]
  /** `owners`: base64, one byte a chunk naming `providers[n - 1]`; 0 not yet; `fromDisk`, `others`: those. */
  chunkMap: { providers: string[], owners: string, fromDisk: number, others: number }
}

export interface ShelfBook extends Book { modifiedAt: string }

export interface Shelf { books: ShelfBook[], total: number, bytes: number, roots: string[] }

export interface ShelfSummary { books: number, bytes: number }

export interface IndexState { address: string, peerId?: string, registered: boolean, books: number, leaseSeconds: number, lastError?: string }

export interface Network {
  peerId: string
  multiaddrs: string[]
  indexes: IndexState[]
  connections: Array<{ peerId: string, address: string, direction: string, relayed: boolean, openedAt: string }>
  peers: Array<{ peerId: string, latencyMs: number | null, bytesPerSecond: number | null, measuredAt: string }>
  badPeers: Array<{ peerId: string, reason: string, until: string }>
  dht: { enabled: boolean, mode?: string }
}

export interface Uploads {
  slots: { total: number, used: number }
  queue: Array<{ peerId: string, position: number }>
  peers: Array<{ peerId: string, streams: number, bytes: number, bytesPerSecond: number }>
  bytesSent: number
}

export interface Limits {
  maxUploadBytesPerSecond: number | null
  maxUploadBytesPerSecondPerPeer: number | null
  maxDownloadBytesPerSecond: number | null
  uploadSlots: number
  maxActiveDownloads: number
}

export interface IndexStatus {
  peersOnline: number
  peersRegistered: number
  books: number
  providers: number
  searchesPerSecond: number
  registrationsPerSecond: number
  rateLimited: number
  streamsRefused: number
  connectionsRefused: { denied: number, perIpLimit: number }
  connections: number
  rssBytes: number
  uptimeSeconds: number
}
