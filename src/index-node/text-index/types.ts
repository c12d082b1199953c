// The text index's public types: what it is fed, what a search is asked and answers.
import type { BookRecord } from '../../wire/records.js'

/** One row of the catalog's listings table, as the index needs it: a book as one provider lists it. */
export interface IndexedListing extends Omit<BookRecord, 'id'> {
  /** listings.id */
  id: number
  /** peers.id of the provider */
  peer: number
  bookId: string
}

export interface TextSearchFilters {
  now: number
  /** A peer disconnected at or before this time is offline. */
  graceStart: number
  /** peers.id: only this provider's listings. */
  peer?: number
  bookId?: string
  /** Without words, at most this many matching books are ordered by title; more is a TooBroadError. */
  maxUnranked?: number
}

/** A query without words that matches more books than can be ordered by title at once. */
export class TooBroadError extends Error {
  override name = 'TooBroadError'
  constructor (readonly matches: number) {
    super(`${matches} books match: add a word to the search`)
  }
}

export interface RankedBooks {
  /** The requested page of book IDs, best first. */
  bookIds: string[]
  /** The same books as the index numbers them (for eachOnlineListing: valid until the index next changes). */
  books: number[]
  /** Every distinct book that matched; an estimate when totalIsEstimate. */
  total: number
  /**
   * The walk passed over blocks of postings that could not reach the page (a very common word):
   * total is then the books counted plus the skipped postings at the rate matches were found.
   */
  totalIsEstimate: boolean
}

export interface LiveCounts {
  /** Peers with a live lease. */
  peersRegistered: number
  /** Peers listed in results: live lease, and connected or within the grace period. */
  peersOnline: number
  /** Distinct books with at least one online provider. */
  books: number
  /** Listings of online providers. */
  providers: number
}
