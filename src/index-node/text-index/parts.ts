// The structures a text index is made of, handed together to the search and to compaction.
import { ListingStore } from './listing-store.js'
import { ListingTexts } from './listing-texts.js'
import { ListingWords } from './listing-words.js'
import { PeerLiveness } from './peer-liveness.js'
import { SearchScratch } from './search-scratch.js'
import type { SnapshotReader, SnapshotWriter } from './snapshot-sections.js'
import { Vocabulary } from './vocabulary.js'

export interface IndexParts {
  /** Words: their ids, posting lists and alphabetical order. */
  readonly vocabulary: Vocabulary
  /** Listings by slot: what a search checks of each, and the chains per book and per provider. */
  readonly store: ListingStore
  /** Each slot's word ids. */
  readonly words: ListingWords
  /** Each slot's title, author and file name. */
  readonly texts: ListingTexts
  /** Providers' leases and connections, by peers.id. */
  readonly peers: PeerLiveness
  readonly scratch: SearchScratch
}

/**
 * Structures holding no listing. From `previous` (compaction): the same peers and scratch space,
 * and the same format and language codes, which the slots copied over keep.
 */
export function emptyParts (previous?: IndexParts): IndexParts {
  return {
    vocabulary: new Vocabulary(),
    store: new ListingStore(previous?.store.formats, previous?.store.languages),
    words: new ListingWords(),
    texts: new ListingTexts(),
    peers: previous?.peers ?? new PeerLiveness(),
    scratch: previous?.scratch ?? new SearchScratch()
  }
}

/**
 * Writes what the listings made (words, slots, texts); the peers' liveness is not written: it comes
 * from the catalog's peers table, whose leases and connections change without touching listings.
 */
export function saveParts (parts: IndexParts, w: SnapshotWriter): void {
  parts.vocabulary.save(w)
  parts.store.save(w)
  parts.words.save(w)
  parts.texts.save(w)
}

/** Parts as saveParts() wrote them, with no peer known yet. */
export function restoreParts (r: SnapshotReader): IndexParts {
  return {
    vocabulary: Vocabulary.restore(r),
    store: ListingStore.restore(r),
    words: ListingWords.restore(r),
    texts: ListingTexts.restore(r),
    peers: new PeerLiveness(),
    scratch: new SearchScratch()
  }
}
