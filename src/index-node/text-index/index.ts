// The index's ranked word search: an inverted index over the listings' title, author and file name,
// held in typed arrays in memory. SQLite stays the store of record; this is derived from it (loaded
// at start, then fed every committed change) because FTS5 scores every match of a word before it can
// return the best few: a common word over a million listings took 20-100 ms there, and the index
// must answer thousands of searches a second. Here a query walks the posting list of its rarest
// word once, checks the others by galloping through their sorted lists, and keeps the best books.
// Browsing one provider or one book (no words: by title, through per-provider and per-book chains)
// and the live counts come from here too, so whether a provider is listed is decided in one place.
import { forEachAsciiWord, isAscii, tokenize, type ParsedQuery } from '../query.js'
import type { BookRecord } from '../../wire/records.js'
import { StringTable } from '../string-table.js'
import { K1, lengthNorm, termScore, WEIGHTS } from './bm25.js'
import { ALIVE, ANY_FIELD, AUTHOR_FIELD, BLOCK, BOOK, EXACT_WALK, LENGTH, MARK_SLOTS_RATIO, MAX_PRUNED_PAGE, PEER, RECORD } from './constants.js'
import { grow } from './grow.js'
import { PostingList } from './postings.js'
import { TopBooks } from './top-books.js'
import { TooBroadError, type IndexedListing, type LiveCounts, type RankedBooks, type TextSearchFilters } from './types.js'

export { TooBroadError } from './types.js'
export type { IndexedListing, LiveCounts, RankedBooks, TextSearchFilters } from './types.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A word clause of a query: one posting list, or the union of a prefix's words. */
interface Clause {
  list?: PostingList
  /** For a list clause: the cursor of the galloping search. */
  cursor: number
  /** For a prefix of several words: their lists; and their term ids (marked in termStamp when checked per listing). */
  prefixLists?: PostingList[]
  prefixTerms?: number[]
  /** Checked through slotStamp/slotMatch (its listings marked before the walk), not per listing's words. */
  slotsMarked?: boolean
  /** Which fields must hold the word (author: filter) */
  fieldMask: number
  /** Live matching documents (for idf). */
  count: number
  idf: number
}

/** Words that must appear consecutively in one field (a quoted phrase), or must not (an excluded one). */
interface PhraseCheck { words: number[], exclude: boolean }

export class TextIndex {
  private words = new StringTable()
  private postings: PostingList[] = []
  /** Term ids in alphabetical order for prefix expansion, plus terms added since (merged in lazily). */
  private sortedTerms: number[] = []
  private unsortedTerms: number[] = []

  // per slot (a listing's place in these arrays; slots are never reused until compaction)
  private capacity = 1024
  private slots = 0
  private liveSlots = 0
  /**
   * What every candidate of a query is checked for, side by side (one cache line, not four arrays):
   * [peer, book, number of words, alive] per slot.
   */
  private record = new Int32Array(this.capacity * RECORD)
  private listingId = new Float64Array(this.capacity)
  private size = new Float64Array(this.capacity)
  private format = new Int32Array(this.capacity)
  private language = new Int32Array(this.capacity)
  /** Each slot's word ids in field order (title, author, file name) live in `tokens` from tokenStart. */
  private tokenStart = new Uint32Array(this.capacity)
  private fieldLengths = new Uint16Array(this.capacity * 3)
  private tokens = new Int32Array(1 << 16)
  private tokenCount = 0
  private liveTokens = 0
  /**
   * Slot of each listing, by listings.id (SQLite gives new rows the next id, so ids stay dense
   * enough for an array, which costs far less than a map of a million entries); -1 when none.
   */
  private slotOfListing = new Int32Array(1024).fill(-1)
  /** Inside load() and compact(): postings are built at the end, all at once. */
  private loading = false
  /** Each book's slots as a chain (first slot per book, next slot per slot; -1 ends it). */
  private firstSlotOfBook = new Int32Array(1024).fill(-1)
  private nextSlotOfBook = new Int32Array(this.capacity)
  /** Each provider's slots as a chain, likewise (browsing one provider reads only its listings). */
  private firstSlotOfPeer = new Int32Array(1024).fill(-1)
  private nextSlotOfPeer = new Int32Array(this.capacity)

  // books, formats and languages as small integers
  private books = new StringTable()
  /**
   * Each listing's title, author and file name as UTF-8, back to back in one pool (a search page is
   * then built from memory: reading rows back from SQLite cost more than the search itself).
   */
  private texts = new Uint8Array(1 << 20)
  private textsUsed = 0
  private textStart = new Uint32Array(this.capacity)
  private textLengths = new Uint16Array(this.capacity * 3)
  private readonly formatCodes = new Map<string, number>()
  private readonly formatNames: string[] = []
  private readonly languageCodes = new Map<string, number>()
  private readonly languageNames: string[] = []

  // peers by peers.id: lease end and disconnect time (NaN while connected)
  private peerLease = new Float64Array(1024)
  private peerDisconnected = new Float64Array(1024).fill(Number.NaN)

  // scratch space of a query: generation stamps per book (grouping) and per word (a prefix's words)
  private generation = 0
  private bookStamp = new Uint32Array(0)
  private termStamp = new Uint32Array(0)
  /** Per slot: marked in this generation, and then the prefix words' (frequency << 3 | fields) there. */
  private slotStamp = new Uint32Array(0)
  private slotMatch = new Int32Array(0)
  private bookScore = new Float64Array(0)
  private matchedBooks = new Int32Array(0)
  /** A matching slot of each matched book (its title orders results without words). */
  private bookSlot = new Int32Array(0)

  get listings (): number { return this.liveSlots }

  /** Records a peer's lease and connection state; a removed peer is a lease of 0. */
  setPeer (peer: number, leaseExpiresAt: number, disconnectedAt: number | null): void {
    if (peer >= this.peerLease.length) {
      const size = Math.max(peer + 1, this.peerLease.length * 2)
      this.peerLease = grow(this.peerLease, size)
      this.peerDisconnected = grow(this.peerDisconnected, size, Number.NaN)
    }
    this.peerLease[peer] = leaseExpiresAt
    this.peerDisconnected[peer] = disconnectedAt ?? Number.NaN
  }

  add (listing: IndexedListing): void {
    this.remove(listing.id)
    const title = this.wordIds(listing.title)
    const author = this.wordIds(listing.author)
    const fileName = this.wordIds(listing.fileName)
    const slot = this.place(listing.id, listing.peer, this.books.intern(listing.bookId), listing.size,
      this.key(this.formatCodes, this.formatNames, listing.format),
      this.key(this.languageCodes, this.languageNames, listing.language), [title, author, fileName])
    this.storeTexts(slot, [listing.title, listing.author, listing.fileName])
  }

  private storeTexts (slot: number, fields: Array<string | Uint8Array>): void {
    const room = fields.reduce((n, f) => n + f.length * 3, 0)
    if (this.textsUsed + room > this.texts.length) this.texts = grow(this.texts, Math.max(this.texts.length * 2, this.textsUsed + room))
    this.textStart[slot] = this.textsUsed
    for (let f = 0; f < 3; f++) {
      const field = fields[f]
      let written: number
      if (typeof field === 'string') {
        written = encoder.encodeInto(field, this.texts.subarray(this.textsUsed)).written
      } else {
        this.texts.set(field, this.textsUsed)
        written = field.length
      }
      this.textLengths[slot * 3 + f] = written
      this.textsUsed += written
    }
  }

  /** The UTF-8 bytes of a slot's field (0 title, 1 author, 2 file name). */
  private textBytes (slot: number, field: number, texts = this.texts, start = this.textStart, lengths = this.textLengths): Uint8Array {
    let at = start[slot]
    for (let f = 0; f < field; f++) at += lengths[slot * 3 + f]
    return texts.subarray(at, at + lengths[slot * 3 + field])
  }

  /** A listing as registered (the search results' metadata), from memory. */
  listingAt (slot: number): BookRecord {
    return {
      id: this.books.nameOf(this.record[slot * RECORD + BOOK]),
      title: decoder.decode(this.textBytes(slot, 0)),
      author: decoder.decode(this.textBytes(slot, 1)),
      fileName: decoder.decode(this.textBytes(slot, 2)),
      format: this.formatNames[this.format[slot]],
      size: this.size[slot],
      language: this.languageNames[this.language[slot]]
    }
  }

  /** The ids of a field's words (as tokenize() splits them), interned; at most 65,535. */
  private wordIds (text: string): number[] {
    const ids: number[] = []
    if (isAscii(text)) {
      // plain ASCII (most titles): words hashed where they stand, no string per word
      forEachAsciiWord(text, (start, end) => { if (ids.length < 0xffff) ids.push(this.termAt(text, start, end)) })
    } else {
      for (const word of tokenize(text).slice(0, 0xffff)) ids.push(this.termId(word))
    }
    return ids
  }

  remove (listingId: number): void {
    const slot = listingId < this.slotOfListing.length ? this.slotOfListing[listingId] : -1
    if (slot === -1) return
    this.slotOfListing[listingId] = -1
    this.record[slot * RECORD + ALIVE] = 0
    this.liveSlots--
    this.liveTokens -= this.record[slot * RECORD + LENGTH]
    this.forEachWord(slot, (term) => { this.postings[term].live-- })
    // dead slots stay in the posting lists until enough of them pile up to be worth a rebuild
    if (this.slots - this.liveSlots > Math.max(65_536, this.liveSlots)) this.compact()
  }

  private key (codes: Map<string, number>, names: string[], value: string): number {
    let code = codes.get(value)
    if (code == null) {
      code = names.length
      codes.set(value, code)
      names.push(value)
    }
    return code
  }

  private termId (word: string): number {
    return this.registerTerm(this.words.intern(word))
  }

  private termAt (text: string, start: number, end: number): number {
    return this.registerTerm(this.words.internWord(text, start, end))
  }

  /** A word id, with a posting list made for it the first time it is seen. */
  private registerTerm (id: number): number {
    if (id === this.postings.length) {
      this.postings.push(new PostingList())
      this.unsortedTerms.push(id)
    }
    return id
  }

  private bookOf (bookId: string): number | undefined {
    const id = this.books.idOf(bookId)
    return id === -1 ? undefined : id
  }

  /** The id of a word already indexed, or undefined. */
  private termOf (word: string): number | undefined {
    const id = this.words.idOf(word)
    return id === -1 ? undefined : id
  }

  private place (listingId: number, peer: number, book: number, size: number, format: number, language: number, words: number[][]): number {
    if (this.slots === this.capacity) this.resize(this.capacity * 2)
    const slot = this.slots++
    this.liveSlots++
    if (listingId >= this.slotOfListing.length) this.slotOfListing = grow(this.slotOfListing, Math.max(listingId + 1, this.slotOfListing.length * 2), -1)
    this.slotOfListing[listingId] = slot
    const length = words[0].length + words[1].length + words[2].length
    const r = slot * RECORD
    this.record[r + PEER] = peer
    this.record[r + BOOK] = book
    this.record[r + LENGTH] = length
    this.record[r + ALIVE] = 1
    if (book >= this.firstSlotOfBook.length) this.firstSlotOfBook = grow(this.firstSlotOfBook, Math.max(book + 1, this.firstSlotOfBook.length * 2), -1)
    this.nextSlotOfBook[slot] = this.firstSlotOfBook[book]
    this.firstSlotOfBook[book] = slot
    if (peer >= this.firstSlotOfPeer.length) this.firstSlotOfPeer = grow(this.firstSlotOfPeer, Math.max(peer + 1, this.firstSlotOfPeer.length * 2), -1)
    this.nextSlotOfPeer[slot] = this.firstSlotOfPeer[peer]
    this.firstSlotOfPeer[peer] = slot
    this.listingId[slot] = listingId
    this.size[slot] = size
    this.format[slot] = format
    this.language[slot] = language
    if (this.tokenCount + length > this.tokens.length) this.tokens = grow(this.tokens, Math.max(this.tokens.length * 2, this.tokenCount + length))
    this.tokenStart[slot] = this.tokenCount
    for (let f = 0; f < 3; f++) {
      this.fieldLengths[slot * 3 + f] = words[f].length
      for (const term of words[f]) this.tokens[this.tokenCount++] = term
    }
    this.liveTokens += length
    if (!this.loading) this.pushPostings(slot)
    return slot
  }

  /** Adds a slot to the posting list of each of its words. */
  private pushPostings (slot: number): void {
    const length = this.record[slot * RECORD + LENGTH]
    const book = this.record[slot * RECORD + BOOK]
    this.forEachWord(slot, (term, weighted, fields) => { this.postings[term].push(slot, weighted, fields, length, book) })
  }

  /**
   * Calls `visit` once per distinct word of a slot, with its weighted frequency and fields (a
   * listing has a dozen words or so: a scan back beats building a set, except for long ones).
   */
  private forEachWord (slot: number, visit: (term: number, weighted: number, fields: number) => void): void {
    const start = this.tokenStart[slot]
    const length = this.record[slot * RECORD + LENGTH]
    const seen = length > 32 ? new Set<number>() : undefined
    for (let i = start; i < start + length; i++) {
      const term = this.tokens[i]
      let seenBefore = false
      if (seen != null) {
        seenBefore = seen.has(term)
        seen.add(term)
      } else {
        for (let j = start; j < i && !seenBefore; j++) seenBefore = this.tokens[j] === term
      }
      if (seenBefore) continue
      let weighted = 0
      let fields = 0
      let at = start
      for (let f = 0; f < 3; f++) {
        const end = at + this.fieldLengths[slot * 3 + f]
        for (let j = Math.max(at, i); j < end; j++) {
          if (this.tokens[j] === term) { weighted += WEIGHTS[f]; fields |= 1 << f }
        }
        at = end
      }
      visit(term, weighted, fields)
    }
  }

  /**
   * Fills an empty index with many listings at once (the catalog at start): words first, then every
   * posting list allocated at its final size and written in slot order, rather than grown one
   * listing at a time (which spends its time copying lists and missing caches).
   */
  load (listings: Iterable<IndexedListing>): void {
    if (this.slots !== 0) throw new Error('load() fills an empty index')
    this.loading = true
    try {
      for (const listing of listings) this.add(listing)
    } finally {
      this.loading = false
    }
    this.buildPostings()
  }

  /** Posting lists for every live slot, each allocated at its final size, written in slot order. */
  private buildPostings (): void {
    const counts = new Int32Array(this.words.size)
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.record[slot * RECORD + ALIVE] === 1) this.forEachWord(slot, (term) => { counts[term]++ })
    }
    for (let term = 0; term < counts.length; term++) {
      if (counts[term] > 0) this.postings[term].reserve(counts[term])
    }
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.record[slot * RECORD + ALIVE] === 1) this.pushPostings(slot)
    }
  }

  /** Grows the per-slot arrays (from empty when capacity is 0). */
  private resize (capacity: number): void {
    if (this.capacity === 0) {
      this.record = new Int32Array(0); this.listingId = new Float64Array(0); this.size = new Float64Array(0)
      this.format = new Int32Array(0); this.language = new Int32Array(0)
      this.tokenStart = new Uint32Array(0); this.fieldLengths = new Uint16Array(0); this.nextSlotOfBook = new Int32Array(0); this.nextSlotOfPeer = new Int32Array(0)
      this.textStart = new Uint32Array(0); this.textLengths = new Uint16Array(0)
    }
    this.capacity = capacity
    this.record = grow(this.record, capacity * RECORD)
    this.listingId = grow(this.listingId, capacity)
    this.size = grow(this.size, capacity)
    this.format = grow(this.format, capacity)
    this.language = grow(this.language, capacity)
    this.nextSlotOfBook = grow(this.nextSlotOfBook, capacity)
    this.nextSlotOfPeer = grow(this.nextSlotOfPeer, capacity)
    this.textStart = grow(this.textStart, capacity)
    this.textLengths = grow(this.textLengths, capacity * 3)
    this.tokenStart = grow(this.tokenStart, capacity)
    this.fieldLengths = grow(this.fieldLengths, capacity * 3)
  }

  /**
   * Rebuilds every array from the live slots only, renumbering words and books so that those no
   * listing holds any more are forgotten too (word ids are remapped, so nothing is re-tokenised).
   */
  private compact (): void {
    const old = {
      slots: this.slots, record: this.record, listingId: this.listingId, size: this.size,
      format: this.format, language: this.language, tokenStart: this.tokenStart, fieldLengths: this.fieldLengths,
      tokens: this.tokens, words: this.words, books: this.books, texts: this.texts, textStart: this.textStart, textLengths: this.textLengths
    }
    this.words = new StringTable()
    this.postings = []
    this.sortedTerms = []
    this.unsortedTerms = []
    this.books = new StringTable()
    this.firstSlotOfBook = new Int32Array(1024).fill(-1)
    this.firstSlotOfPeer = new Int32Array(1024).fill(-1)
    this.slotOfListing.fill(-1)
    this.slots = 0
    this.liveSlots = 0
    this.tokenCount = 0
    this.liveTokens = 0
    this.capacity = 0
    this.resize(1024)
    this.tokens = new Int32Array(1 << 16)
    this.texts = new Uint8Array(1 << 20)
    this.textsUsed = 0
    const termOf = new Int32Array(old.words.size).fill(-1)
    this.loading = true
    for (let s = 0; s < old.slots; s++) {
      if (old.record[s * RECORD + ALIVE] === 0) continue
      let at = old.tokenStart[s]
      const words = [0, 1, 2].map((f) => {
        const n = old.fieldLengths[s * 3 + f]
        const w = Array.from(old.tokens.subarray(at, at + n), (t) => {
          if (termOf[t] === -1) termOf[t] = this.termId(old.words.nameOf(t))
          return termOf[t]
        })
        at += n
        return w
      })
      const book = this.books.intern(old.books.nameOf(old.record[s * RECORD + BOOK]))
      const slot = this.place(old.listingId[s], old.record[s * RECORD + PEER], book, old.size[s], old.format[s], old.language[s], words)
      this.storeTexts(slot, [0, 1, 2].map(f => this.textBytes(s, f, old.texts, old.textStart, old.textLengths)))
    }
    this.loading = false
    this.buildPostings()
    this.bookStamp = new Uint32Array(0)
    this.termStamp = new Uint32Array(0)
    this.slotStamp = new Uint32Array(0)
  }

  /** Term ids whose word starts with `prefix`, from the alphabetical term list. */
  private termsWithPrefix (prefix: string): number[] {
    if (this.unsortedTerms.length > 0) {
      const byName = (a: number, b: number): number => this.words.nameOf(a) < this.words.nameOf(b) ? -1 : 1
      const added = this.unsortedTerms.sort(byName)
      const merged: number[] = []
      let i = 0
      let j = 0
      while (i < this.sortedTerms.length || j < added.length) {
        if (j >= added.length || (i < this.sortedTerms.length && byName(this.sortedTerms[i], added[j]) < 0)) merged.push(this.sortedTerms[i++])
        else merged.push(added[j++])
      }
      this.sortedTerms = merged
      this.unsortedTerms = []
    }
    let lo = 0
    let hi = this.sortedTerms.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.words.nameOf(this.sortedTerms[mid]) < prefix) lo = mid + 1
      else hi = mid
    }
    const found: number[] = []
    for (let i = lo; i < this.sortedTerms.length && this.words.nameOf(this.sortedTerms[i]).startsWith(prefix); i++) {
      if (this.postings[this.sortedTerms[i]].live > 0) found.push(this.sortedTerms[i])
    }
    return found
  }

  private nextGeneration (): number {
    if (this.bookStamp.length < this.books.size) {
      this.bookStamp = new Uint32Array(Math.max(1024, this.books.size * 2))
      this.bookScore = new Float64Array(this.bookStamp.length)
      this.matchedBooks = new Int32Array(this.bookStamp.length)
      this.bookSlot = new Int32Array(this.bookStamp.length)
    }
    if (this.generation === 0xffffffff) {
      this.generation = 0
      this.bookStamp.fill(0)
      this.termStamp.fill(0)
      this.slotStamp.fill(0)
    }
    return ++this.generation
  }

  /** When a peer stops being listed: its lease end, or the end of its grace period once disconnected. */
  listedUntil (peer: number, graceMs: number): number {
    if (peer >= this.peerLease.length) return 0
    const disconnected = this.peerDisconnected[peer]
    return Number.isNaN(disconnected) ? this.peerLease[peer] : Math.min(this.peerLease[peer], disconnected + graceMs)
  }

  private isOnline (slot: number, now: number, graceStart: number): boolean {
    return this.listedUntil(this.record[slot * RECORD + PEER], now - graceStart) > now
  }

  /**
   * The best-ranked books for a query's words, phrases, author: words and exclusions, with its
   * other filters and only online providers; grouped per book (a book ranks by its best listing).
   * Equal scores keep the order in which the index first saw the books, so pages are stable.
   */
  search (query: ParsedQuery, filters: TextSearchFilters, offset: number, limit: number): RankedBooks {
    const none = { bookIds: [], total: 0, totalIsEstimate: false }
    const gen = this.nextGeneration()
    const clauses: Clause[] = []
    const checks: PhraseCheck[] = []
    const wordList = (w: string): PostingList | undefined => {
      const id = this.termOf(w)
      return id == null ? undefined : this.postings[id]
    }

    // positive words: each a clause; the last one may be a prefix (the union of its words)
    let prefixClause: Clause | undefined
    const last = query.terms[query.terms.length - 1]
    for (const word of new Set(query.prefixLast ? query.terms.slice(0, -1) : query.terms)) {
      const list = wordList(word)
      if (list == null || list.live === 0) return none
      clauses.push({ list, cursor: 0, fieldMask: ANY_FIELD, count: list.live, idf: 0 })
    }
    if (query.prefixLast) {
      const expansion = this.termsWithPrefix(last)
      if (expansion.length === 0) return none
      if (expansion.length === 1) {
        const list = this.postings[expansion[0]]
        clauses.push({ list, cursor: 0, fieldMask: ANY_FIELD, count: list.live, idf: 0 })
      } else {
        // documents holding two words of the prefix are counted twice: a close enough idf
        const prefixLists = expansion.map(t => this.postings[t])
        prefixClause = { cursor: 0, fieldMask: ANY_FIELD, count: prefixLists.reduce((n, l) => n + l.live, 0), idf: 0, prefixLists, prefixTerms: expansion }
        clauses.push(prefixClause)
      }
    }
    for (const phrase of query.phrases) {
      const ids = phrase.split(' ').map(w => this.termOf(w))
      if (ids.some(id => id == null || this.postings[id].live === 0)) return none
      for (const id of new Set(ids as number[])) clauses.push({ list: this.postings[id], cursor: 0, fieldMask: ANY_FIELD, count: this.postings[id].live, idf: 0 })
      if (ids.length > 1) checks.push({ words: ids as number[], exclude: false })
    }
    for (const name of query.author ?? []) {
      const list = wordList(name)
      if (list == null || list.live === 0) return none
      clauses.push({ list, cursor: 0, fieldMask: AUTHOR_FIELD, count: list.live, idf: 0 })
    }
    // exclusions: one word is a posting list to avoid; several must appear together to exclude
    const excludedLists: Array<{ list: PostingList, cursor: number }> = []
    for (const excluded of query.excluded) {
      const ids = excluded.split(' ').map(w => this.termOf(w))
      if (ids.some(id => id == null)) continue // a word nobody has excludes nothing
      if (ids.length === 1) excludedLists.push({ list: this.postings[ids[0] as number], cursor: 0 })
      else checks.push({ words: ids as number[], exclude: true })
    }

    const docsTotal = Math.max(this.liveSlots, 1)
    const averageLength = this.liveTokens / docsTotal
    for (const c of clauses) {
      const idf = Math.log((docsTotal - c.count + 0.5) / (c.count + 0.5))
      c.idf = idf > 0 ? idf : 1e-6
    }
    // walk the rarest clause (or every listing, for exclusions and filters alone); check the rest
    let driver: Clause | undefined
    for (const c of clauses) if (driver == null || c.count < driver.count) driver = c
    // a prefix that drives is walked one word's list at a time (a listing holding two of its words is
    // then scored per word and keeps the better score, not their sum: close enough, and no need to
    // merge the lists). Otherwise a candidate is checked against it through its own words (a few
    // scattered reads per candidate), or, when the prefix's postings are not many more than the
    // candidates, by marking the prefix's listings first (one read per candidate)
    if (prefixClause != null && driver !== prefixClause) {
      if (prefixClause.count <= (driver as Clause).count * MARK_SLOTS_RATIO) this.markSlots(prefixClause, gen)
      else this.markTerms(prefixClause, gen)
    }
    const segments: Array<PostingList | undefined> = driver == null ? [undefined] : driver.prefixLists ?? [driver.list]
    const bookCode = filters.bookId == null ? undefined : this.bookOf(filters.bookId)
    if (filters.bookId != null && bookCode == null) return none
    // without words: the one provider's or the one book's listings if the search is limited to them, else all
    const chain = driver != null ? undefined : filters.peer != null ? this.chainSlots(this.firstSlotOfPeer, this.nextSlotOfPeer, filters.peer) : bookCode != null ? this.chainSlots(this.firstSlotOfBook, this.nextSlotOfBook, bookCode) : undefined

    // formats and languages are kept as registered and compared in lower case
    const formatOk = query.format == null ? undefined : this.formatNames.map(f => f.toLowerCase() === query.format)
    const languageOk = query.language == null ? undefined : this.languageNames.map(l => l.toLowerCase() === query.language || l.toLowerCase().startsWith(`${query.language as string}-`))
    const { now, graceStart } = filters
    const sized = query.minSize != null || query.maxSize != null
    const minSize = query.minSize ?? -Infinity
    const maxSize = query.maxSize ?? Infinity

    const matched = this.matchedBooks
    let total = 0
    // ranked: the page's floor (the worst of the best books met so far, each at its first score,
    // which only rises) lets whole blocks of the walked word go unread once none of them can beat it
    const want = offset + limit
    const floor = driver != null && want > 0 && want <= MAX_PRUNED_PAGE ? new TopBooks(want) : undefined
    let visited = 0
    let skipped = 0
    for (const driverList of segments) {
      for (const c of clauses) c.cursor = 0
      for (const x of excludedLists) x.cursor = 0
      const driverLength = driverList != null ? driverList.length : chain != null ? chain.length : this.slots
      for (let i = 0; i < driverLength; i++) {
        if (floor?.full === true && i % BLOCK === 0 && visited >= EXACT_WALK) {
          const blocks = (driverList as PostingList).blocks
          const b = i / BLOCK * 3
          if (floor.keepsOut(this.scoreBound(clauses, driver as Clause, blocks[b], blocks[b + 1], averageLength), blocks[b + 2])) {
            const n = Math.min(BLOCK, driverLength - i)
            skipped += n
            i += n - 1
            continue
          }
        }
        visited++
        const slot = driverList != null ? driverList.slot(i) : chain != null ? chain[i] : i
        const r = slot * RECORD
        const record = this.record
        if (record[r + ALIVE] === 0) continue
        if (filters.peer != null && record[r + PEER] !== filters.peer) continue
        if (bookCode != null && record[r + BOOK] !== bookCode) continue
        if (formatOk != null && !formatOk[this.format[slot]]) continue
        if (languageOk != null && !languageOk[this.language[slot]]) continue
        if (sized && (this.size[slot] < minSize || this.size[slot] > maxSize)) continue
        if (!this.isOnline(slot, now, graceStart)) continue
        const norm = lengthNorm(record[r + LENGTH], averageLength)
        let score = 0
        let ok = true
        for (const c of clauses) {
          let tf: number
          let fields: number
          if (c === driver) {
            tf = (driverList as PostingList).weightedTf(i)
            fields = (driverList as PostingList).fields(i)
          } else if (c.slotsMarked === true) {
            if (this.slotStamp[slot] !== gen) { ok = false; break }
            tf = this.slotMatch[slot] >>> 3
            fields = this.slotMatch[slot] & 7
          } else if (c.prefixLists != null) {
            tf = 0
            fields = 0
            let at = this.tokenStart[slot]
            for (let f = 0; f < 3; f++) {
              const end = at + this.fieldLengths[slot * 3 + f]
              for (; at < end; at++) {
                if (this.termStamp[this.tokens[at]] === gen) { tf += WEIGHTS[f]; fields |= 1 << f }
              }
            }
            if (tf === 0) { ok = false; break }
          } else {
            const list = c.list as PostingList
            const at = c.cursor = list.seek(c.cursor, slot)
            if (at >= list.length || list.slot(at) !== slot) { ok = false; break }
            tf = list.weightedTf(at)
            fields = list.fields(at)
          }
          if ((fields & c.fieldMask) === 0) { ok = false; break }
          score += termScore(c.idf, tf, norm)
        }
        if (!ok) continue
        for (const x of excludedLists) {
          x.cursor = x.list.seek(x.cursor, slot)
          if (x.cursor < x.list.length && x.list.slot(x.cursor) === slot) { ok = false; break }
        }
        if (!ok || (checks.length > 0 && !this.passesPhrases(slot, checks))) continue
        const book = record[r + BOOK]
        if (this.bookStamp[book] !== gen) {
          this.bookStamp[book] = gen
          this.bookScore[book] = score
          this.bookSlot[book] = slot
          matched[total++] = book
          floor?.offer(score, book)
        } else if (score > this.bookScore[book]) {
          this.bookScore[book] = score
        }
      }
    }
    if (clauses.length > 0) {
      const bookIds = this.best(matched.subarray(0, total), offset, limit)
      if (skipped === 0) return { total, bookIds, totalIsEstimate: false }
      return { total: total + Math.round(skipped * total / visited), bookIds, totalIsEstimate: true }
    }
    // no words to rank by (filters and exclusions only): title order, for a bounded number of books
    if (total > (filters.maxUnranked ?? Infinity)) throw new TooBroadError(total)
    const titled = Array.from(matched.subarray(0, total), (book) => ({ book, title: decoder.decode(this.textBytes(this.bookSlot[book], 0)).toLowerCase() }))
    titled.sort((a, b) => a.title < b.title ? -1 : a.title > b.title ? 1 : a.book - b.book)
    return { total, bookIds: titled.slice(offset, offset + limit).map(t => this.books.nameOf(t.book)), totalIsEstimate: false }
  }

  /** The slots of a book's or a provider's chain, ascending (the order exclusions are looked up in). */
  private chainSlots (first: Int32Array, next: Int32Array, head: number): Int32Array {
    const slots: number[] = []
    for (let slot = head < first.length ? first[head] : -1; slot !== -1; slot = next[slot]) slots.push(slot)
    return Int32Array.from(slots).reverse()
  }

  /** Marks the listings of a prefix's words in slotStamp, with their frequency and fields summed in slotMatch. */
  private markSlots (clause: Clause, gen: number): void {
    if (this.slotStamp.length < this.slots) {
      this.slotStamp = new Uint32Array(this.capacity)
      this.slotMatch = new Int32Array(this.capacity)
    }
    for (const list of clause.prefixLists as PostingList[]) {
      const entries = list.entries
      for (let i = 0; i < list.length; i++) {
        const slot = entries[i * 2]
        const match = entries[i * 2 + 1]
        if (this.slotStamp[slot] !== gen) {
          this.slotStamp[slot] = gen
          this.slotMatch[slot] = match
        } else {
          const prior = this.slotMatch[slot]
          this.slotMatch[slot] = Math.min((prior >>> 3) + (match >>> 3), 0xffffff) << 3 | (prior & 7) | (match & 7)
        }
      }
    }
    clause.slotsMarked = true
  }

  /** Marks a prefix's words in termStamp, for checking candidates' words against them. */
  private markTerms (clause: Clause, gen: number): void {
    if (this.termStamp.length < this.words.size) this.termStamp = new Uint32Array(this.words.size * 2)
    for (const term of clause.prefixTerms as number[]) this.termStamp[term] = gen
  }

  /** Whether each phrase appears (or, excluded, does not) as consecutive words inside one field. */
  private passesPhrases (slot: number, checks: PhraseCheck[]): boolean {
    for (const check of checks) {
      let found = false
      let at = this.tokenStart[slot]
      for (let f = 0; f < 3 && !found; f++) {
        const n = this.fieldLengths[slot * 3 + f]
        for (let i = at; i + check.words.length <= at + n && !found; i++) {
          let j = 0
          while (j < check.words.length && this.tokens[i + j] === check.words[j]) j++
          found = j === check.words.length
        }
        at += n
      }
      if (found === check.exclude) return false
    }
    return true
  }

  /** Books [offset, offset + limit) by score, best first (a bounded heap, not a sort of every match). */
  private best (books: Int32Array, offset: number, limit: number): string[] {
    const top = new TopBooks(Math.min(offset + limit, books.length))
    for (const book of books) top.offer(this.bookScore[book], book)
    return top.bestFirst().slice(offset).map(b => this.books.nameOf(b))
  }

  /**
   * The most a listing in a block of the walked clause's postings can score: each clause at its
   * highest frequency and fewest words, summed in the order the walk scores them (so a listing that
   * has them scores exactly the bound, and equal scores can be told apart by book).
   */
  private scoreBound (clauses: Clause[], driver: Clause, blockTf: number, blockLength: number, averageLength: number): number {
    let bound = 0
    for (const c of clauses) {
      if (c.prefixLists != null && c !== driver) {
        bound += c.idf * (K1 + 1) // several of a prefix's words may add up: the limit of a huge frequency
        continue
      }
      const tf = c === driver ? blockTf : (c.list as PostingList).maxTf
      bound += termScore(c.idf, tf, lengthNorm(c === driver ? blockLength : (c.list as PostingList).minLength, averageLength))
    }
    return bound
  }

  /** A book's listings whose provider is online: slot (for listingAt) and provider (peers.id). */
  onlineListings (bookId: string, now: number, graceStart: number): Array<{ slot: number, peer: number }> {
    const book = this.bookOf(bookId)
    const found: Array<{ slot: number, peer: number }> = []
    if (book == null || book >= this.firstSlotOfBook.length) return found
    for (let slot = this.firstSlotOfBook[book]; slot !== -1; slot = this.nextSlotOfBook[slot]) {
      if (this.record[slot * RECORD + ALIVE] === 1 && this.isOnline(slot, now, graceStart)) {
        found.push({ slot, peer: this.record[slot * RECORD + PEER] })
      }
    }
    return found
  }

  /** Registered and online peers, online listings and distinct books with an online provider. */
  liveCounts (now: number, graceStart: number): LiveCounts {
    let peersRegistered = 0
    let peersOnline = 0
    for (let peer = 0; peer < this.peerLease.length; peer++) {
      if (this.peerLease[peer] > now) peersRegistered++
      if (this.listedUntil(peer, now - graceStart) > now) peersOnline++
    }
    const gen = this.nextGeneration()
    let providers = 0
    let books = 0
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.record[slot * RECORD + ALIVE] === 0 || !this.isOnline(slot, now, graceStart)) continue
      providers++
      const book = this.record[slot * RECORD + BOOK]
      if (this.bookStamp[book] !== gen) { this.bookStamp[book] = gen; books++ }
    }
    return { peersRegistered, peersOnline, books, providers }
  }
}
