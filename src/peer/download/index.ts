// The download engine's public face, for the peer service.
export { Download, type DownloadResult, type DownloaderComponents } from './download.js'
export { DownloadError } from './errors.js'
export type { DownloadProgress } from './progress.js'
export type { BadPeers } from './provider-failures.js'
export { FROM_DISK, OTHER_PROVIDERS, type ChunkMap, type DropReason, type ProviderLedgerEntry } from './provider-ledger.js'
