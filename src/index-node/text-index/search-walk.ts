// A search: a query walks the posting list of its rarest word once, checks the others by galloping
// through their sorted lists, and keeps the best books. Without words, it walks the listings of the
// one provider or book it is limited to (or all) and orders a bounded number of books by title.
import type { ParsedQuery } from '../query.js'
import * as bm25 from './bm25.js'
import * as layout from './constants.js'
import type { ListingWords } from './listing-words.js'
import type { IndexParts } from './parts.js'
import type { PostingList } from './postings.js'
import { planWords, preparePrefix, rarest, type Clause, type ExcludedWord, type PhraseCheck } from './search-plan.js'
import { TopBooks } from './top-books.js'
import { TooBroadError, type RankedBooks, type TextSearchFilters } from './types.js'

// The walk reads these per posting. Held as this module's own constants, the optimising compiler
// folds them into the walk's code; an imported binding is loaded from its module cell at every use,
// which cost a search 5-7 % in-process.
const { idf, lengthNorm, termScore, termScoreLimit, WEIGHTS } = bm25
const { ALIVE, BLOCK, BOOK, EXACT_WALK, LENGTH, MAX_PRUNED_PAGE, PEER, RECORD } = layout

/** Everything a walk reads besides the index's structures, resolved before it starts. */
interface Walk {
  clauses: Clause[]
  driver: Clause | undefined
  /** The posting lists walked one after another (a driving prefix's words), or [undefined]: slots, from `chain` or all. */
  segments: Array<PostingList | undefined>
  chain: Int32Array | undefined
  excluded: ExcludedWord[]
  checks: PhraseCheck[]
  peer: number | undefined
  book: number | undefined
  /** By format (language) code: whether it passes the query's format: (lang:) filter. */
  formatOk: boolean[] | undefined
  languageOk: boolean[] | undefined
  sized: boolean
  minSize: number
  maxSize: number
  now: number
  graceStart: number
  averageLength: number
  /** When ranked and the page is shallow enough: the best books met so far, whose worst is the floor to prune by. */
  top: TopBooks | undefined
  gen: number
}

/** A block's candidates (posting index and slot), between the walk's passes over it. */
const candidateAt = new Int32Array(BLOCK)
const candidateSlot = new Int32Array(BLOCK)
/** Per candidate and clause, where the walk found the clause's word in its list. */
let cursorsOf = new Int32Array(BLOCK * 4)
/** What touchCandidates read, kept so that the compiler cannot drop the reads as unused. */
const sink = { touched: 0 }

/**
 * Reads what the checks of a block's candidates will read (their records, their books' stamps and,
 * when asked, their words and filtered columns), each loop's reads independent of each other.
 */
function touchCandidates (candidates: number, record: Int32Array, bookMatch: Float64Array, words: ListingWords | undefined, store: IndexParts['store'] | undefined): void {
  let sum = 0
  for (let k = 0; k < candidates; k++) sum += record[candidateSlot[k] * RECORD + BOOK]
  for (let k = 0; k < candidates; k++) sum += bookMatch[record[candidateSlot[k] * RECORD + BOOK] * 2]
  if (words != null) {
    const { tokenStart, fieldLengths, tokens } = words
    for (let k = 0; k < candidates; k++) sum += fieldLengths[candidateSlot[k] * 3]
    for (let k = 0; k < candidates; k++) sum += tokens[tokenStart[candidateSlot[k]]]
  }
  if (store != null) {
    const { format, language, size } = store
    for (let k = 0; k < candidates; k++) sum += format[candidateSlot[k]] + language[candidateSlot[k]] + size[candidateSlot[k]]
  }
  sink.touched = sum
}

/** Reads the marks of a block's listings (see touchCandidates), before they are checked one by one. */
function touchMarks (driverList: PostingList | undefined, chain: Int32Array | undefined, start: number, end: number, slotStamp: Uint32Array): void {
  let sum = 0
  for (let i = start; i < end; i++) sum += slotStamp[driverList != null ? driverList.slot(i) : chain != null ? chain[i] : i]
  sink.touched = sum
}

/** Books matched (in scratch.matchedBooks), and postings read and passed over. */
interface Walked { total: number, visited: number, skipped: number }

/**
 * The best-ranked books for a query's words, phrases, author: words and exclusions, with its
 * other filters and only online providers; grouped per book (a book ranks by its best listing).
 * Equal scores keep the order in which the index first saw the books, so pages are stable.
 */
export function search (parts: IndexParts, query: ParsedQuery, filters: TextSearchFilters, offset: number, limit: number): RankedBooks {
  const { vocabulary, store, scratch } = parts
  const gen = scratch.next(store.books.size)
  const plan = planWords(vocabulary, query)
  if (plan == null) return none()
  const { clauses, prefixClause } = plan
  const docsTotal = Math.max(store.liveSlots, 1)
  const averageLength = store.liveTokens / docsTotal
  for (const c of clauses) c.idf = idf(docsTotal, c.count)
  // walk the rarest clause (or every listing, for exclusions and filters alone); check the rest
  const driver = rarest(clauses)
  if (prefixClause != null && driver !== prefixClause) preparePrefix(prefixClause, driver as Clause, vocabulary, store, scratch, gen)
  const book = filters.bookId == null ? undefined : store.bookOf(filters.bookId)
  if (filters.bookId != null && book == null) return none()
  // formats and languages are kept as registered and compared in lower case
  const { formats, languages } = store
  const want = offset + limit
  // ranked: the best books met so far at their latest scores, the page once the walk is done; its
  // floor (the worst of them) lets whole blocks of the walked word go unread once none of them can beat it
  const top = driver != null && want > 0 && want <= MAX_PRUNED_PAGE ? new TopBooks(want, scratch.heapAt) : undefined
  const walked = walk(parts, {
    clauses,
    driver,
    segments: driver == null ? [undefined] : driver.prefixLists ?? [driver.list],
    // without words: the one provider's or the one book's listings if the search is limited to them, else all
    chain: driver != null ? undefined : filters.peer != null ? store.peerSlots(filters.peer) : book != null ? store.bookSlots(book) : undefined,
    excluded: plan.excluded,
    checks: plan.checks,
    peer: filters.peer,
    book,
    formatOk: query.format == null ? undefined : Array.from({ length: formats.size }, (_, f) => formats.nameOf(f).toLowerCase() === query.format),
    languageOk: query.language == null ? undefined : Array.from({ length: languages.size }, (_, l) => languages.nameOf(l).toLowerCase() === query.language || languages.nameOf(l).toLowerCase().startsWith(`${query.language as string}-`)),
    sized: query.minSize != null || query.maxSize != null,
    minSize: query.minSize ?? -Infinity,
    maxSize: query.maxSize ?? Infinity,
    now: filters.now,
    graceStart: filters.graceStart,
    averageLength,
    top,
    gen
  })
  const { total, visited, skipped } = walked
  const matched = scratch.matchedBooks.subarray(0, total)
  if (clauses.length > 0) {
    const books = top != null ? top.bestFirst().slice(offset) : bestPage(parts, matched, offset, limit)
    const bookIds = books.map(b => store.books.nameOf(b))
    if (skipped === 0) return { total, bookIds, books, totalIsEstimate: false }
    return { total: total + Math.round(skipped * total / visited), bookIds, books, totalIsEstimate: true }
  }
  // no words to rank by (filters and exclusions only): title order, for a bounded number of books
  if (total > (filters.maxUnranked ?? Infinity)) throw new TooBroadError(total)
  const books = titlePage(parts, matched, offset, limit)
  return { total, bookIds: books.map(b => store.books.nameOf(b)), books, totalIsEstimate: false }
}

function none (): RankedBooks {
  return { bookIds: [], books: [], total: 0, totalIsEstimate: false }
}

/**
 * The walk: every posting of the driving clause (or every slot), checked against the filters and
 * the other clauses, scored and grouped per book. It runs per posting of a common word, so it stays
 * one loop reading the structures' arrays through locals, with no closure or allocation inside.
 */
function walk (parts: IndexParts, w: Walk): Walked {
  const { store, words, peers, scratch } = parts
  const { clauses, driver, chain, excluded, checks, peer, book: bookCode, formatOk, languageOk, sized, minSize, maxSize, now, graceStart, averageLength, top, gen } = w
  const { record, format, language, size } = store
  const { tokenStart, fieldLengths, tokens } = words
  const { bookMatch, bookSlot, termStamp, slotStamp, slotMatch } = scratch
  // a slot per book only orders searches without words (by title)
  const keepSlots = clauses.length === 0
  const matched = scratch.matchedBooks
  let total = 0
  let visited = 0
  let skipped = 0
  if (cursorsOf.length < BLOCK * clauses.length) cursorsOf = new Int32Array(BLOCK * clauses.length)
  const cursors = cursorsOf
  const marked = clauses.some(c => c.slotsMarked === true)
  const termChecked = clauses.some(c => c !== driver && c.prefixLists != null && c.slotsMarked !== true)
  for (const driverList of w.segments) {
    for (const c of clauses) c.cursor = 0
    for (const x of excluded) x.cursor = 0
    const driverLength = driverList != null ? driverList.length : chain != null ? chain.length : store.slots
    // read only once a walk passes over blocks (a list of one block makes its bounds)
    let blocks: Int32Array | undefined
    for (let start = 0; start < driverLength; start += BLOCK) {
      const end = Math.min(start + BLOCK, driverLength)
      if (top?.full === true && visited >= EXACT_WALK) {
        blocks ??= (driverList as PostingList).blockBounds()
        const b = start / BLOCK * 3
        if (top.keepsOut(scoreBound(clauses, driver as Clause, blocks[b], blocks[b + 1], averageLength), blocks[b + 2])) {
          skipped += end - start
          continue
        }
      }
      // 1. the block's candidates: the other words first, from their lists (read in order) and
      // marks; they turn most postings away before the listing's own record is touched
      if (marked) touchMarks(driverList, chain, start, end, slotStamp)
      let candidates = 0
      for (let i = start; i < end; i++) {
        visited++
        const slot = driverList != null ? driverList.slot(i) : chain != null ? chain[i] : i
        let ok = true
        for (let ci = 0; ci < clauses.length; ci++) {
          const c = clauses[ci]
          if (c === driver) continue
          if (c.slotsMarked === true) {
            if (slotStamp[slot] !== gen) { ok = false; break }
            continue
          }
          if (c.prefixLists != null) continue
          const list = c.list as PostingList
          const at = c.cursor = list.seek(c.cursor, slot)
          if (at >= list.length || list.slot(at) !== slot) { ok = false; break }
          // where the word was found, for scoring it below (the cursor moves on with the block)
          cursors[candidates * clauses.length + ci] = at
        }
        if (!ok) continue
        candidateAt[candidates] = i
        candidateSlot[candidates++] = slot
      }
      // 2. their records, books (and words, filters) loaded in loops of independent reads: each is
      // a read anywhere in memory, and the processor overlaps the waits of independent reads, where
      // the checks below, read one listing at a time, wait for each in turn
      touchCandidates(candidates, record, bookMatch, termChecked ? words : undefined, formatOk != null || languageOk != null || sized ? store : undefined)
      // 3. each candidate checked, scored and grouped, in posting order
      for (let k = 0; k < candidates; k++) {
        const i = candidateAt[k]
        const slot = candidateSlot[k]
        let ok = true
        const r = slot * RECORD
        if (record[r + ALIVE] === 0) continue
        if (peer != null && record[r + PEER] !== peer) continue
        if (bookCode != null && record[r + BOOK] !== bookCode) continue
        if (formatOk != null && !formatOk[format[slot]]) continue
        if (languageOk != null && !languageOk[language[slot]]) continue
        if (sized && (size[slot] < minSize || size[slot] > maxSize)) continue
        if (!peers.isListed(record[r + PEER], now, graceStart)) continue
        const norm = lengthNorm(record[r + LENGTH], averageLength)
        let score = 0
        for (let ci = 0; ci < clauses.length; ci++) {
          const c = clauses[ci]
          let tf: number
          let fields: number
          if (c === driver) {
            tf = (driverList as PostingList).weightedTf(i)
            fields = (driverList as PostingList).fields(i)
          } else if (c.slotsMarked === true) {
            tf = slotMatch[slot] >>> 3
            fields = slotMatch[slot] & 7
          } else if (c.prefixLists != null) {
            tf = 0
            fields = 0
            let at = tokenStart[slot]
            for (let f = 0; f < 3; f++) {
              const fieldEnd = at + fieldLengths[slot * 3 + f]
              for (; at < fieldEnd; at++) {
                if (termStamp[tokens[at]] === gen) { tf += WEIGHTS[f]; fields |= 1 << f }
              }
            }
            if (tf === 0) { ok = false; break }
          } else {
            // found above
            const list = c.list as PostingList
            const at = cursors[k * clauses.length + ci]
            tf = list.weightedTf(at)
            fields = list.fields(at)
          }
          if ((fields & c.fieldMask) === 0) { ok = false; break }
          score += termScore(c.idf, tf, norm)
        }
        if (!ok) continue
        for (const x of excluded) {
          x.cursor = x.list.seek(x.cursor, slot)
          if (x.cursor < x.list.length && x.list.slot(x.cursor) === slot) { ok = false; break }
        }
        if (!ok || (checks.length > 0 && !passesPhrases(words, slot, checks))) continue
        const book = record[r + BOOK]
        if (bookMatch[book * 2] !== gen) {
          bookMatch[book * 2] = gen
          bookMatch[book * 2 + 1] = score
          if (keepSlots) bookSlot[book] = slot
          matched[total++] = book
          top?.offer(score, book)
        } else if (score > bookMatch[book * 2 + 1]) {
          bookMatch[book * 2 + 1] = score
          top?.raise(score, book)
        }
      }
    }
  }
  return { total, visited, skipped }
}

/**
 * The most a listing in a block of the walked clause's postings can score: each clause at its
 * highest frequency and fewest words, summed in the order the walk scores them (so a listing that
 * has them scores exactly the bound, and equal scores can be told apart by book).
 */
function scoreBound (clauses: Clause[], driver: Clause, blockTf: number, blockLength: number, averageLength: number): number {
  let bound = 0
  for (const c of clauses) {
    if (c.prefixLists != null && c !== driver) {
      bound += termScoreLimit(c.idf) // several of a prefix's words may add up: the limit of a huge frequency
      continue
    }
    const tf = c === driver ? blockTf : (c.list as PostingList).maxTf
    bound += termScore(c.idf, tf, lengthNorm(c === driver ? blockLength : (c.list as PostingList).minLength, averageLength))
  }
  return bound
}

/** Whether each phrase appears (or, excluded, does not) as consecutive words inside one field. */
function passesPhrases (words: ListingWords, slot: number, checks: PhraseCheck[]): boolean {
  const { tokenStart, fieldLengths, tokens } = words
  for (const check of checks) {
    let found = false
    let at = tokenStart[slot]
    for (let f = 0; f < 3 && !found; f++) {
      const n = fieldLengths[slot * 3 + f]
      for (let i = at; i + check.words.length <= at + n && !found; i++) {
        let j = 0
        while (j < check.words.length && tokens[i + j] === check.words[j]) j++
        found = j === check.words.length
      }
      at += n
    }
    if (found === check.exclude) return false
  }
  return true
}

/**
 * Books [offset, offset + limit) by score, best first (a bounded heap, not a sort of every match),
 * for pages deeper than the walk keeps a heap of its own for (MAX_PRUNED_PAGE).
 */
function bestPage (parts: IndexParts, books: Int32Array, offset: number, limit: number): number[] {
  const { bookMatch } = parts.scratch
  const top = new TopBooks(Math.min(offset + limit, books.length))
  for (const book of books) top.offer(bookMatch[book * 2 + 1], book)
  return top.bestFirst().slice(offset)
}

/** Books [offset, offset + limit) by title (of the matching listing met first), then by number. */
function titlePage (parts: IndexParts, books: Int32Array, offset: number, limit: number): number[] {
  const { bookSlot } = parts.scratch
  const titled = Array.from(books, (book) => ({ book, title: parts.texts.text(bookSlot[book], 0).toLowerCase() }))
  titled.sort((a, b) => a.title < b.title ? -1 : a.title > b.title ? 1 : a.book - b.book)
  return titled.slice(offset, offset + limit).map(t => t.book)
}
