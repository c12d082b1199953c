// A page of search results: the books the text index ranked, each with its online providers.
import type { ProviderRecord, SearchHit } from './types.js'
import type { TextIndex } from '../text-index/index.js'

/** Providers most recently renewed first; ties by peer ID, so pages are stable. */
function byLiveness (a: ProviderRecord, b: ProviderRecord): number {
  return b.lastRenewedAt - a.lastRenewedAt || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0)
}

export interface PageSources {
  text: TextIndex
  /** Providers by peers.id. */
  providers: ReadonlyMap<number, ProviderRecord>
}

/**
 * A page of books with their online providers, most recently renewed first, and the metadata of
 * that freshest provider's listing; all from memory. `validUntil` is when the first of its
 * providers stops being listed.
 */
export function pageHits ({ text, providers: records }: PageSources, books: number[], now: number, graceMs: number): { hits: SearchHit[], validUntil: number } {
  const graceStart = now - graceMs
  const hits: SearchHit[] = []
  let validUntil = Infinity
  // the book being gathered: its providers, and the freshest one's listing, which gives the hit its metadata
  let providers: ProviderRecord[] = []
  let freshest: ProviderRecord | undefined
  let freshestSlot = -1
  // one visitor for the page (no object spreads here either: they cost more than the rest of a hit together)
  const visit = (slot: number, peer: number): void => {
    const info = records.get(peer)
    if (info == null) return
    if (freshest == null || byLiveness(info, freshest) < 0) { freshest = info; freshestSlot = slot }
    providers.push(info)
    validUntil = Math.min(validUntil, text.listedUntil(peer, graceMs))
  }
  for (const book of books) {
    providers = []
    freshest = undefined
    text.eachOnlineListing(book, now, graceStart, visit)
    if (freshest == null) continue
    providers.sort(byLiveness)
    hits.push({ book: text.listingAt(freshestSlot), providers })
  }
  return { hits, validUntil }
}
