// The text index's layout and tuning, in one place (bm25's own parameters sit with its formula in
// bm25.ts).

/** Starting length of the arrays indexed by slot, listing id, book or peer (each doubles as needed). */
export const INITIAL_SIZE = 1024
/** Starting length of the pool of every listing's word ids (see ListingWords). */
export const INITIAL_WORD_POOL = 1 << 16
/** Starting bytes of the pool of every listing's texts (see ListingTexts). */
export const INITIAL_TEXT_POOL = 1 << 20

/**
 * A slot's record (see ListingStore.record): RECORD numbers per slot, [peer, book, number of words,
 * alive], at these offsets.
 */
export const RECORD = 4
export const PEER = 0
export const BOOK = 1
export const LENGTH = 2
export const ALIVE = 3

/** The fields a word appears in, one bit each in field order (title 1 << 0, author 1 << 1, file name 1 << 2). */
export const AUTHOR_FIELD = 1 << 1
export const ANY_FIELD = 0b111
/** The most words kept of one field (a field's count of words is a Uint16). */
export const MAX_FIELD_WORDS = 0xffff
/** The highest weighted frequency a posting holds (24 bits, beside the 3 field bits in an Int32). */
export const MAX_TF = 0xffffff

/** Postings per block of a list's block bounds (see PostingList). */
export const BLOCK = 64
/**
 * A search reads at least this many postings of the word it walks before passing over blocks, so a
 * total below about this many books is exact, and larger ones are estimated from a fair sample.
 */
export const EXACT_WALK = 1024
/**
 * A prefix of several words that is not walked is checked by marking its listings first when it has
 * at most this many times as many postings as the walked word (else by reading each candidate's words).
 */
export const MARK_SLOTS_RATIO = 4
/** Deeper pages than this walk every posting (the page's floor would cost more than it saves). */
export const MAX_PRUNED_PAGE = 1000
/**
 * Dead slots stay in the posting lists until there are more of them than this and than live ones:
 * only then are they worth a rebuild (compaction).
 */
export const COMPACT_MIN_DEAD = 65_536
/**
 * While compaction is held (a large write done a slice at a time, see TextIndex.holdCompaction),
 * dead slots may pile up to this many times the usual threshold before the index is rebuilt anyway.
 */
export const HELD_COMPACTION_FACTOR = 4
