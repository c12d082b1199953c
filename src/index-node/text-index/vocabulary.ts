// The indexed words: each numbered once, with its posting list, and listed alphabetically for
// prefix expansion.
import { forEachAsciiWord, isAscii, tokenize } from '../query.js'
import { StringTable } from '../string-table.js'
import { MAX_FIELD_WORDS } from './constants.js'
import type { ListingStore } from './listing-store.js'
import type { ListingWords } from './listing-words.js'
import { PostingList, PostingSlab } from './postings.js'
import { TermOrder } from './term-order.js'
import { SnapshotLayoutError, type SnapshotReader, type SnapshotWriter } from './snapshot-sections.js'

export class Vocabulary {
  private words = new StringTable()
  /** Each word's posting list, by word id. */
  readonly postings: PostingList[] = []
  /** Where the small posting lists keep their postings. */
  private readonly slab = new PostingSlab()
  /** Term ids in alphabetical order, for prefix expansion. */
  private readonly order = new TermOrder((term) => this.words.nameOf(term))

  /** Writes the words, their posting lists and the alphabetical order as they are. */
  save (w: SnapshotWriter): void {
    this.words.save(w)
    w.array(Int32Array.from(this.postings.flatMap(list => list.counts())))
    for (const list of this.postings) list.save(w)
    const { sorted, unsorted } = this.order.saved()
    w.array(Int32Array.from(sorted))
    w.array(Int32Array.from(unsorted))
  }

  static restore (r: SnapshotReader): Vocabulary {
    const vocabulary = new Vocabulary()
    vocabulary.words = StringTable.restore(r)
    const counts = r.int32()
    if (counts.length !== vocabulary.words.size * 4) throw new SnapshotLayoutError('posting lists do not match the words')
    for (let term = 0; term < vocabulary.words.size; term++) vocabulary.postings.push(PostingList.restore(r, counts.subarray(term * 4, term * 4 + 4)))
    vocabulary.order.restore(Array.from(r.int32()), Array.from(r.int32()))
    return vocabulary
  }

  /** How many words have been numbered. */
  get size (): number { return this.words.size }

  nameOf (term: number): string { return this.words.nameOf(term) }

  /** The id of a word already indexed, or undefined. */
  termOf (word: string): number | undefined {
    const id = this.words.idOf(word)
    return id === -1 ? undefined : id
  }

  /** The posting list of a word already indexed, or undefined. */
  listOf (word: string): PostingList | undefined {
    const id = this.termOf(word)
    return id == null ? undefined : this.postings[id]
  }

  /** The id of a word, numbering it if new. */
  termId (word: string): number {
    return this.registerTerm(this.words.intern(word))
  }

  /** The ids of a field's words (as tokenize() splits them), interned; at most MAX_FIELD_WORDS. */
  wordIds (text: string): number[] {
    const ids: number[] = []
    if (isAscii(text)) {
      // plain ASCII (most titles): words hashed where they stand, no string per word
      forEachAsciiWord(text, (start, end) => { if (ids.length < MAX_FIELD_WORDS) ids.push(this.registerTerm(this.words.internWord(text, start, end))) })
    } else {
      for (const word of tokenize(text).slice(0, MAX_FIELD_WORDS)) ids.push(this.termId(word))
    }
    return ids
  }

  /** Adds a slot to the posting list of each of its words. */
  pushPostings (slot: number, store: ListingStore, words: ListingWords): void {
    const length = store.lengthAt(slot)
    const book = store.bookAt(slot)
    words.forEachWord(slot, (term, weighted, fields) => { this.postings[term].push(slot, weighted, fields, length, book) })
  }

  /**
   * Posting lists for every live slot at once (load, compaction): each allocated at its final size,
   * then written in slot order, rather than grown one listing at a time (which spends its time
   * copying lists and missing caches).
   */
  buildPostings (store: ListingStore, words: ListingWords): void {
    const counts = new Int32Array(this.words.size)
    for (let slot = 0; slot < store.slots; slot++) {
      if (store.isAlive(slot)) words.forEachWord(slot, (term) => { counts[term]++ })
    }
    for (let term = 0; term < counts.length; term++) {
      if (counts[term] > 0) this.postings[term].reserve(counts[term])
    }
    for (let slot = 0; slot < store.slots; slot++) {
      if (store.isAlive(slot)) this.pushPostings(slot, store, words)
    }
  }

  /** A word id, with a posting list made for it the first time it is seen. */
  private registerTerm (id: number): number {
    if (id === this.postings.length) {
      this.postings.push(new PostingList(this.slab))
      this.order.add(id)
    }
    return id
  }

  /** Term ids whose word starts with `prefix` and is in a live listing, alphabetically. */
  termsWithPrefix (prefix: string): number[] {
    return this.order.withPrefix(prefix, (term) => this.postings[term].live > 0)
  }
}
