// The index's ranked word search: an inverted index over the listings' title, author and file name,
// held in typed arrays in memory. SQLite stays the store of record; this is derived from it (loaded
// at start, then fed every committed change) because FTS5 scores every match of a word before it can
// return the best few: a common word over a million listings took 20-100 ms there, and the index
// must answer thousands of searches a second. Here a query walks the posting list of its rarest
// word once, checks the others by galloping through their sorted lists, and keeps the best books.
// Browsing one provider or one book (no words: by title, through per-provider and per-book chains)
// and the live counts come from here too, so whether a provider is listed is decided in one place.
//
// The structures it is made of, one module each: the words and their posting lists (vocabulary.ts,
// postings.ts), the listings by slot (listing-store.ts, listing-words.ts, listing-texts.ts), the
// providers' liveness (peer-liveness.ts); a search is planned (search-plan.ts) and walked
// (search-walk.ts), ranked by bm25 (bm25.ts) into a bounded heap (top-books.ts).
import type { ParsedQuery } from '../query.js'
import type { BookRecord } from '../../wire/records.js'
import { compacted } from './compaction.js'
import { HELD_COMPACTION_FACTOR } from './constants.js'
import { emptyParts, restoreParts, saveParts, type IndexParts } from './parts.js'
import { search } from './search-walk.js'
import { SnapshotLayoutError, type SnapshotReader, type SnapshotWriter } from './snapshot-sections.js'
import type { IndexedListing, LiveCounts, RankedBooks, TextSearchFilters } from './types.js'

export type { IndexedListing, LiveCounts, RankedBooks, TextSearchFilters } from './types.js'

export class TextIndex {
  /** Replaced whole by compaction. */
  private parts: IndexParts = emptyParts()
  /** Inside load(): postings are built at the end, all at once. */
  private loading = false
  /** Large writes under way that hold compaction off (see holdCompaction). */
  private holds = 0

  get listings (): number { return this.parts.store.liveSlots }

  /** A provider's listings (by peers.id), whether it is online or not. */
  listingsOf (peer: number): number { return this.parts.store.listingsOf(peer) }

  /** Records a peer's lease and connection state; a removed peer is a lease of 0. */
  setPeer (peer: number, leaseExpiresAt: number, disconnectedAt: number | null): void {
    this.parts.peers.set(peer, leaseExpiresAt, disconnectedAt)
  }

  add (listing: IndexedListing): void {
    this.remove(listing.id)
    const { vocabulary, store, words, texts } = this.parts
    const title = vocabulary.wordIds(listing.title)
    const author = vocabulary.wordIds(listing.author)
    const fileName = vocabulary.wordIds(listing.fileName)
    const slot = store.place(listing.id, listing.peer, store.books.intern(listing.bookId), listing.size,
      store.formats.intern(listing.format), store.languages.intern(listing.language), title.length + author.length + fileName.length)
    words.put(slot, [title, author, fileName])
    texts.put(slot, [listing.title, listing.author, listing.fileName])
    if (!this.loading) vocabulary.pushPostings(slot, store, words)
  }

  remove (listingId: number): void {
    const { vocabulary, store, words } = this.parts
    const slot = store.remove(listingId)
    if (slot === -1) return
    words.forEachWord(slot, (term) => { vocabulary.postings[term].live-- })
    // dead slots stay in the posting lists until enough of them pile up to be worth a rebuild
    this.compactIfWanted()
  }

  /**
   * Holds compaction off until the returned release is called: a large removal done a slice at a
   * time (a peer's 100,000 listings) would otherwise rebuild the index, in one go, from listings it
   * is about to remove too (a pause of ~0.3 s with 35,000 left), where once it is done there may be
   * little left to rebuild. Held, the index still compacts past HELD_COMPACTION_FACTOR times the
   * usual threshold; released by the last holder, it compacts if due.
   */
  holdCompaction (): () => void {
    this.holds++
    let released = false
    return () => {
      if (released) return
      released = true
      this.holds--
      this.compactIfWanted()
    }
  }

  private compactIfWanted (): void {
    if (this.parts.store.wantsCompaction(this.holds > 0 ? HELD_COMPACTION_FACTOR : 1)) this.parts = compacted(this.parts)
  }

  /**
   * Fills an empty index with many listings at once (the catalog at start): words first, then the
   * posting lists all at once (see Vocabulary.buildPostings).
   */
  load (listings: Iterable<IndexedListing>): void {
    if (this.parts.store.slots !== 0) throw new Error('load() fills an empty index')
    this.loading = true
    try {
      for (const listing of listings) this.add(listing)
    } finally {
      this.loading = false
    }
    const { vocabulary, store, words } = this.parts
    vocabulary.buildPostings(store, words)
  }

  /** Writes what the listings made, for restore() (peers are not written: see saveParts). */
  save (w: SnapshotWriter): void {
    saveParts(this.parts, w)
  }

  /**
   * Fills an empty index with what save() wrote, before any peer is set: as fast as the bytes are
   * read, where load() tokenizes every listing. Throws SnapshotLayoutError (leaving the index empty)
   * when they are not what save() writes.
   */
  restore (r: SnapshotReader): void {
    if (this.parts.store.slots !== 0) throw new Error('restore() fills an empty index')
    const parts = restoreParts(r)
    if (!r.done) throw new SnapshotLayoutError('snapshot has more sections than an index')
    this.parts = parts
  }

  /** A listing as registered (the search results' metadata), from memory. */
  listingAt (slot: number): BookRecord {
    const { store, texts } = this.parts
    const [title, author, fileName] = texts.all(slot)
    return {
      id: store.books.nameOf(store.bookAt(slot)),
      title,
      author,
      fileName,
      format: store.formats.nameOf(store.format[slot]),
      size: store.size[slot],
      language: store.languages.nameOf(store.language[slot])
    }
  }

  /** When a peer stops being listed: its lease end, or the end of its grace period once disconnected. */
  listedUntil (peer: number, graceMs: number): number {
    return this.parts.peers.listedUntil(peer, graceMs)
  }

  /**
   * The best-ranked books for a query's words, phrases, author: words and exclusions, with its
   * other filters and only online providers; grouped per book (a book ranks by its best listing).
   * Equal scores keep the order in which the index first saw the books, so pages are stable.
   */
  search (query: ParsedQuery, filters: TextSearchFilters, offset: number, limit: number): RankedBooks {
    return search(this.parts, query, filters, offset, limit)
  }

  /**
   * Calls `visit(slot, provider)` for each of a book's listings whose provider is online: slot (for
   * listingAt) and provider (peers.id). The book as numbered in the last search's `books` (numbers
   * change when the index is compacted). A visitor, not a list: every result of every search reply
   * passes here.
   */
  eachOnlineListing (book: number, now: number, graceStart: number, visit: (slot: number, peer: number) => void): void {
    const { store, peers } = this.parts
    if (book >= store.firstSlotOfBook.length) return
    for (let slot = store.firstSlotOfBook[book]; slot !== -1; slot = store.nextSlotOfBook[slot]) {
      if (store.isAlive(slot) && peers.isListed(store.peerAt(slot), now, graceStart)) visit(slot, store.peerAt(slot))
    }
  }

  /** Registered and online peers, online listings and distinct books with an online provider. */
  liveCounts (now: number, graceStart: number): LiveCounts {
    const { store, peers, scratch } = this.parts
    const { registered, listed } = peers.count(now, graceStart)
    const gen = scratch.next(store.books.size)
    const { bookMatch } = scratch
    let providers = 0
    let books = 0
    for (let slot = 0; slot < store.slots; slot++) {
      if (!store.isAlive(slot) || !peers.isListed(store.peerAt(slot), now, graceStart)) continue
      providers++
      const book = store.bookAt(slot)
      if (bookMatch[book * 2] !== gen) { bookMatch[book * 2] = gen; books++ }
    }
    return { peersRegistered: registered, peersOnline: listed, books, providers }
  }
}
