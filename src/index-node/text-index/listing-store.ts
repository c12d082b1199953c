// The listings' slots: a listing's place in parallel typed arrays (slots are never reused until
// compaction), holding what a search checks of it, with each book's and each provider's slots as chains.
import { StringTable } from '../string-table.js'
import { ALIVE, BOOK, COMPACT_MIN_DEAD, INITIAL_SIZE, LENGTH, PEER, RECORD } from './constants.js'
import { grow } from './grow.js'
import { SnapshotLayoutError, type SnapshotReader, type SnapshotWriter } from './snapshot-sections.js'

/**
 * The per-slot arrays are plain fields so that the search walk reads them directly (hoisted into
 * locals); only this class writes them, and replaces them when they grow.
 */
export class ListingStore {
  /** Slots the per-slot arrays have room for. */
  capacity = INITIAL_SIZE
  /** Slots used, dead ones included. */
  slots = 0
  /** Slots alive (bm25's number of documents). */
  liveSlots = 0
  /** Words of the live slots (bm25's average length is liveTokens / liveSlots). */
  liveTokens = 0
  /**
   * What every candidate of a query is checked for, side by side (one cache line, not four arrays):
   * [peer, book, number of words, alive] per slot.
   */
  record = new Int32Array(this.capacity * RECORD)
  listingId = new Float64Array(this.capacity)
  size = new Float64Array(this.capacity)
  format = new Int32Array(this.capacity)
  language = new Int32Array(this.capacity)
  /**
   * Slot of each listing, by listings.id (SQLite gives new rows the next id, so ids stay dense
   * enough for an array, which costs far less than a map of a million entries); -1 when none.
   */
  private slotOfListing = new Int32Array(INITIAL_SIZE).fill(-1)
  /** Each book's slots as a chain (first slot per book, next slot per slot; -1 ends it). */
  firstSlotOfBook = new Int32Array(INITIAL_SIZE).fill(-1)
  nextSlotOfBook = new Int32Array(this.capacity)
  /** Each provider's slots as a chain, likewise (browsing one provider reads only its listings). */
  private firstSlotOfPeer = new Int32Array(INITIAL_SIZE).fill(-1)
  private nextSlotOfPeer = new Int32Array(this.capacity)
  /**
   * Each provider's live listings, by peer (counted here, not in SQLite: a count of a peer's rows
   * there reads all of them, 4-30 ms at 100,000, and a registration asks before each PUT). Not
   * saved: restore() counts them from the slots.
   */
  private liveOfPeer = new Int32Array(INITIAL_SIZE)

  /**
   * Formats and languages as small integers, kept as registered; compaction hands them on to the
   * next store, as the slots it copies keep their codes. Books as small integers, in the order
   * first seen (equal scores rank by it).
   */
  constructor (readonly formats = new StringTable(), readonly languages = new StringTable(), readonly books = new StringTable()) {}

  /** Writes the slots, the chains and the tables as they are. */
  save (w: SnapshotWriter): void {
    for (const n of [this.capacity, this.slots, this.liveSlots, this.liveTokens]) w.number(n)
    for (const a of [this.record, this.listingId, this.size, this.format, this.language, this.slotOfListing, this.firstSlotOfBook, this.nextSlotOfBook, this.firstSlotOfPeer, this.nextSlotOfPeer]) w.array(a)
    for (const table of [this.formats, this.languages, this.books]) table.save(w)
  }

  static restore (r: SnapshotReader): ListingStore {
    const [capacity, slots, liveSlots, liveTokens] = [r.number(), r.number(), r.number(), r.number()]
    const [record, listingId, size, format, language] = [r.int32(), r.float64(), r.float64(), r.int32(), r.int32()]
    const [slotOfListing, firstSlotOfBook, nextSlotOfBook, firstSlotOfPeer, nextSlotOfPeer] = [r.int32(), r.int32(), r.int32(), r.int32(), r.int32()]
    const store = new ListingStore(StringTable.restore(r), StringTable.restore(r), StringTable.restore(r))
    const perSlot = [listingId, size, format, language, nextSlotOfBook, nextSlotOfPeer]
    if (slots > capacity || liveSlots > slots || record.length !== capacity * RECORD || perSlot.some(a => a.length !== capacity) ||
      firstSlotOfBook.length < store.books.size) {
      throw new SnapshotLayoutError('listing slots do not fit their counts')
    }
    store.capacity = capacity; store.slots = slots; store.liveSlots = liveSlots; store.liveTokens = liveTokens
    store.record = record; store.listingId = listingId; store.size = size; store.format = format; store.language = language
    store.slotOfListing = slotOfListing; store.firstSlotOfBook = firstSlotOfBook; store.nextSlotOfBook = nextSlotOfBook
    store.firstSlotOfPeer = firstSlotOfPeer; store.nextSlotOfPeer = nextSlotOfPeer
    for (let slot = 0; slot < slots; slot++) {
      if (store.isAlive(slot)) store.countListing(store.peerAt(slot), 1)
    }
    return store
  }

  /** A new slot for a listing of `length` words (its words and texts are kept under the same slot). */
  place (listingId: number, peer: number, book: number, size: number, format: number, language: number, length: number): number {
    if (this.slots === this.capacity) this.resize(this.capacity * 2)
    const slot = this.slots++
    this.liveSlots++
    if (listingId >= this.slotOfListing.length) this.slotOfListing = grow(this.slotOfListing, Math.max(listingId + 1, this.slotOfListing.length * 2), -1)
    this.slotOfListing[listingId] = slot
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
    this.countListing(peer, 1)
    this.listingId[slot] = listingId
    this.size[slot] = size
    this.format[slot] = format
    this.language[slot] = language
    this.liveTokens += length
    return slot
  }

  /** Marks a listing's slot dead and returns it; -1 when the listing is not indexed. */
  remove (listingId: number): number {
    const slot = listingId < this.slotOfListing.length ? this.slotOfListing[listingId] : -1
    if (slot === -1) return -1
    this.slotOfListing[listingId] = -1
    this.record[slot * RECORD + ALIVE] = 0
    this.liveSlots--
    this.liveTokens -= this.record[slot * RECORD + LENGTH]
    this.countListing(this.record[slot * RECORD + PEER], -1)
    return slot
  }

  /** How many live listings the provider has. */
  listingsOf (peer: number): number {
    return peer < this.liveOfPeer.length ? this.liveOfPeer[peer] : 0
  }

  private countListing (peer: number, change: number): void {
    if (peer >= this.liveOfPeer.length) this.liveOfPeer = grow(this.liveOfPeer, Math.max(peer + 1, this.liveOfPeer.length * 2))
    this.liveOfPeer[peer] += change
  }

  /**
   * Whether enough dead slots have piled up to be worth a rebuild (they stay in the posting lists
   * until then): more than COMPACT_MIN_DEAD and than live ones, `factor` times that when asked.
   */
  wantsCompaction (factor = 1): boolean {
    return this.slots - this.liveSlots > factor * Math.max(COMPACT_MIN_DEAD, this.liveSlots)
  }

  isAlive (slot: number): boolean { return this.record[slot * RECORD + ALIVE] === 1 }
  peerAt (slot: number): number { return this.record[slot * RECORD + PEER] }
  bookAt (slot: number): number { return this.record[slot * RECORD + BOOK] }
  lengthAt (slot: number): number { return this.record[slot * RECORD + LENGTH] }

  /** The number of a book already indexed, or undefined. */
  bookOf (bookId: string): number | undefined {
    const id = this.books.idOf(bookId)
    return id === -1 ? undefined : id
  }

  /** A provider's slots, ascending (the order exclusions are looked up in). */
  peerSlots (peer: number): Int32Array {
    return chainSlots(this.firstSlotOfPeer, this.nextSlotOfPeer, peer)
  }

  /** A book's slots, ascending. */
  bookSlots (book: number): Int32Array {
    return chainSlots(this.firstSlotOfBook, this.nextSlotOfBook, book)
  }

  private resize (capacity: number): void {
    this.capacity = capacity
    this.record = grow(this.record, capacity * RECORD)
    this.listingId = grow(this.listingId, capacity)
    this.size = grow(this.size, capacity)
    this.format = grow(this.format, capacity)
    this.language = grow(this.language, capacity)
    this.nextSlotOfBook = grow(this.nextSlotOfBook, capacity)
    this.nextSlotOfPeer = grow(this.nextSlotOfPeer, capacity)
  }
}

/** The slots of a chain (newest first), ascending. */
function chainSlots (first: Int32Array, next: Int32Array, head: number): Int32Array {
  const slots: number[] = []
  for (let slot = head < first.length ? first[head] : -1; slot !== -1; slot = next[slot]) slots.push(slot)
  return Int32Array.from(slots).reverse()
}
