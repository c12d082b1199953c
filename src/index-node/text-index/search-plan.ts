// A query's words resolved against the vocabulary before the walk: the posting lists a listing must
// be in (clauses), the phrases checked per listing, the words that exclude it; and how a prefix of
// several words that is not walked gets checked.
import type { ParsedQuery } from '../query.js'
import { ANY_FIELD, AUTHOR_FIELD, MARK_SLOTS_RATIO, MAX_TF } from './constants.js'
import type { ListingStore } from './listing-store.js'
import type { PostingList } from './postings.js'
import type { SearchScratch } from './search-scratch.js'
import type { Vocabulary } from './vocabulary.js'

/** A word clause of a query: one posting list, or the union of a prefix's words. */
export interface Clause {
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
export interface PhraseCheck { words: number[], exclude: boolean }

/** A word whose listings are left out, with the cursor of its galloping search. */
export interface ExcludedWord { list: PostingList, cursor: number }

export interface WordPlan {
  clauses: Clause[]
  /** The last word as a prefix, when it expands to several words. */
  prefixClause: Clause | undefined
  checks: PhraseCheck[]
  excluded: ExcludedWord[]
}

/** A query's clauses, checks and exclusions; undefined when a word it needs is in no live listing. */
export function planWords (vocabulary: Vocabulary, query: ParsedQuery): WordPlan | undefined {
  const clauses: Clause[] = []
  const checks: PhraseCheck[] = []
  const { postings } = vocabulary

  // positive words: each a clause; the last one may be a prefix (the union of its words)
  let prefixClause: Clause | undefined
  const last = query.terms[query.terms.length - 1]
  for (const word of new Set(query.prefixLast ? query.terms.slice(0, -1) : query.terms)) {
    const list = vocabulary.listOf(word)
    if (list == null || list.live === 0) return undefined
    clauses.push({ list, cursor: 0, fieldMask: ANY_FIELD, count: list.live, idf: 0 })
  }
  if (query.prefixLast) {
    const expansion = vocabulary.termsWithPrefix(last)
    if (expansion.length === 0) return undefined
    if (expansion.length === 1) {
      const list = postings[expansion[0]]
      clauses.push({ list, cursor: 0, fieldMask: ANY_FIELD, count: list.live, idf: 0 })
    } else {
      // documents holding two words of the prefix are counted twice: a close enough idf
      const prefixLists = expansion.map(t => postings[t])
      prefixClause = { cursor: 0, fieldMask: ANY_FIELD, count: prefixLists.reduce((n, l) => n + l.live, 0), idf: 0, prefixLists, prefixTerms: expansion }
      clauses.push(prefixClause)
    }
  }
  for (const phrase of query.phrases) {
    const ids = phrase.split(' ').map(w => vocabulary.termOf(w))
    if (ids.some(id => id == null || postings[id].live === 0)) return undefined
    for (const id of new Set(ids as number[])) clauses.push({ list: postings[id], cursor: 0, fieldMask: ANY_FIELD, count: postings[id].live, idf: 0 })
    if (ids.length > 1) checks.push({ words: ids as number[], exclude: false })
  }
  for (const name of query.author ?? []) {
    const list = vocabulary.listOf(name)
    if (list == null || list.live === 0) return undefined
    clauses.push({ list, cursor: 0, fieldMask: AUTHOR_FIELD, count: list.live, idf: 0 })
  }
  // exclusions: one word is a posting list to avoid; several must appear together to exclude
  const excluded: ExcludedWord[] = []
  for (const words of query.excluded) {
    const ids = words.split(' ').map(w => vocabulary.termOf(w))
    if (ids.some(id => id == null)) continue // a word nobody has excludes nothing
    if (ids.length === 1) excluded.push({ list: postings[ids[0] as number], cursor: 0 })
    else checks.push({ words: ids as number[], exclude: true })
  }
  return { clauses, prefixClause, checks, excluded }
}

/** The clause to walk: the rarest (undefined without words: every listing, or a chain, is walked). */
export function rarest (clauses: Clause[]): Clause | undefined {
  let driver: Clause | undefined
  for (const c of clauses) if (driver == null || c.count < driver.count) driver = c
  return driver
}

/**
 * Prepares a prefix of several words that is not walked. A prefix that drives is walked one word's
 * list at a time (a listing holding two of its words is then scored per word and keeps the better
 * score, not their sum: close enough, and no need to merge the lists). Otherwise a candidate is
 * checked against it through its own words (a few scattered reads per candidate), or, when the
 * prefix's postings are not many more than the candidates, by marking the prefix's listings first
 * (one read per candidate).
 */
export function preparePrefix (prefix: Clause, driver: Clause, vocabulary: Vocabulary, store: ListingStore, scratch: SearchScratch, gen: number): void {
  if (prefix.count <= driver.count * MARK_SLOTS_RATIO) markSlots(prefix, store, scratch, gen)
  else markTerms(prefix, vocabulary, scratch, gen)
}

/** Marks the listings of a prefix's words in slotStamp, with their frequency and fields summed in slotMatch. */
function markSlots (clause: Clause, store: ListingStore, scratch: SearchScratch, gen: number): void {
  scratch.roomForSlots(store.slots, store.capacity)
  const { slotStamp, slotMatch } = scratch
  for (const list of clause.prefixLists as PostingList[]) {
    const { entries, start } = list
    for (let i = 0; i < list.length; i++) {
      const slot = entries[start + i * 2]
      const match = entries[start + i * 2 + 1]
      if (slotStamp[slot] !== gen) {
        slotStamp[slot] = gen
        slotMatch[slot] = match
      } else {
        const prior = slotMatch[slot]
        slotMatch[slot] = Math.min((prior >>> 3) + (match >>> 3), MAX_TF) << 3 | (prior & 7) | (match & 7)
      }
    }
  }
  clause.slotsMarked = true
}

/** Marks a prefix's words in termStamp, for checking candidates' words against them. */
function markTerms (clause: Clause, vocabulary: Vocabulary, scratch: SearchScratch, gen: number): void {
  scratch.roomForTerms(vocabulary.size)
  const termStamp = scratch.termStamp
  for (const term of clause.prefixTerms as number[]) termStamp[term] = gen
}
