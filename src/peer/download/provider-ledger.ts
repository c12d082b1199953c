// What each provider did for one download: chunks verified and rejected, bytes received, and why
// it was dropped. It also numbers the providers for the chunk map (ChunkPlan.owners), one byte a
// chunk, so the map of a 131,072-chunk book stays at 128 KiB however many providers come and go.
import { normaliseError } from '../../wire/errors.js'
import { BadDataError, UnreachableError } from './errors.js'

/** Why a provider was dropped: it sent data that fails verification, went quiet, or could not be reached or asked. */
export type DropReason = 'bad_data' | 'stalled' | 'unreachable'

export interface ProviderLedgerEntry {
  peerId: string
  /** Its number in the chunk map (1..OTHER_PROVIDERS). */
  mapIndex: number
  /** Chunks it sent that passed verification, end-game duplicates included. */
  chunksVerified: number
  /** Chunks it delivered first: the ones the chunk map shows for it. */
  chunksUsed: number
  /** Chunks it sent that failed verification. */
  chunksRejected: number
  /** Bytes received from it, duplicates and rejected chunks included. */
  bytes: number
  dropped?: { reason: DropReason, message: string }
}

/** Who delivered each verified chunk: `owners[i]` is 0 (not yet), a provider's `mapIndex`, or FROM_DISK. */
export interface ChunkMap {
  /** `providers[n - 1]` is the peer ID of map index n (OTHER_PROVIDERS: "others"). */
  readonly providers: readonly string[]
  /** A live view while the download runs: copy what you keep. */
  readonly owners: Uint8Array
}

/** Map index of chunks found verified on disk when the download (re)started. */
export const FROM_DISK = 255
/** Map index shared by every provider past the 253rd of one download. */
export const OTHER_PROVIDERS = 254
const OTHERS_ID = 'others'

/** The reason a provider's failure counts as. */
export function dropReason (err: unknown): DropReason {
  const e = normaliseError(err)
  if (e instanceof BadDataError) return 'bad_data'
  if (e instanceof UnreachableError) return 'unreachable'
  // every wait of a running provider carries the stall timeout
  if (e.name === 'TimeoutError') return 'stalled'
  return 'unreachable'
}

export class ProviderLedger {
  private readonly entries = new Map<string, ProviderLedgerEntry>()
  /** Peer IDs by map index - 1. */
  readonly providers: string[] = []

  /** The entry of a provider, numbered on first sight (past 253 providers, they share "others"). */
  entry (peerId: string): ProviderLedgerEntry {
    let entry = this.entries.get(peerId)
    if (entry == null) {
      if (this.providers.length >= OTHER_PROVIDERS - 1) {
        entry = this.entries.get(OTHERS_ID) ?? this.create(OTHERS_ID, OTHER_PROVIDERS)
      } else {
        this.providers.push(peerId)
        entry = this.create(peerId, this.providers.length)
      }
      this.entries.set(peerId, entry)
    }
    return entry
  }

  private create (peerId: string, mapIndex: number): ProviderLedgerEntry {
    const entry = { peerId, mapIndex, chunksVerified: 0, chunksUsed: 0, chunksRejected: 0, bytes: 0 }
    this.entries.set(peerId, entry)
    if (mapIndex === OTHER_PROVIDERS) this.providers[OTHER_PROVIDERS - 1] = OTHERS_ID
    return entry
  }

  dropped (peerId: string, err: unknown): void {
    this.entry(peerId).dropped = { reason: dropReason(err), message: normaliseError(err).message }
  }

  isDropped (peerId: string): boolean {
    return this.entries.get(peerId)?.dropped != null
  }

  /** Copies of every entry, in the order providers were first seen. */
  list (): ProviderLedgerEntry[] {
    const seen = new Set<ProviderLedgerEntry>()
    const out: ProviderLedgerEntry[] = []
    for (const entry of this.entries.values()) {
      if (seen.has(entry)) continue
      seen.add(entry)
      out.push({ ...entry, dropped: entry.dropped != null ? { ...entry.dropped } : undefined })
    }
    return out
  }
}
