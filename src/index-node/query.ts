// The search language people type, parsed into a structure the catalog's text index answers:
//   moby dick            every word must match title, author or file name (the last word also as a prefix)
//   "white whale"        a phrase        -abridged  -"sea story"    exclusions
//   format:epub  author:austen  author:"jane austen"  lang:en  size>1MiB  size<=500KiB      filters
// Words are only ever compared with indexed words, so nothing a user types is ever syntax to a database.
import { QueryError } from './errors.js'

export interface ParsedQuery {
  /** Single words, AND-ed; each may match title, author or file name. */
  terms: string[]
  /** Quoted text as its words joined by one space ("white whale"); a quoted single word is not a prefix. */
  phrases: string[]
  /** Words or phrases (words joined by one space) a listing must not contain. */
  excluded: string[]
  /** The last bare word also matches as a prefix ("mob" finds "Moby"); only with 3+ characters. */
  prefixLast: boolean
  /** Lower case, without a leading dot. */
  format?: string
  /** Words that must all appear in the author column. */
  author?: string[]
  /** Lower case; "en" also matches "en-GB". */
  language?: string
  /** Bytes, inclusive. */
  minSize?: number
  /** Bytes, inclusive. */
  maxSize?: number
}

const MAX_QUERY_CHARS = 256
const MAX_QUERY_TERMS = 32
/** A shorter prefix would expand to a large part of the vocabulary on a big catalog. */
const MIN_PREFIX_CHARS = 3

/**
 * Words as the index sees them: lower case, diacritics and compatibility forms folded (NFKD, then
 * combining marks dropped: "Misérables" is "miserables", "ﬁn" is "fin"), split on anything that is
 * not a letter, digit or private-use character. Listings and queries go through this one function,
 * so they always agree.
 */
export function tokenize (text: string): string[] {
  // plain ASCII (most titles) needs neither folding nor Unicode classes: same words, far less work
  if (isAscii(text)) {
    const words: string[] = []
    forEachAsciiWord(text, (start, end) => { words.push(text.slice(start, end).toLowerCase()) })
    return words
  }
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}\p{Co}]+/gu) ?? []
}

export function isAscii (text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text)
}

/**
 * Calls `word(start, end)` for each run of ASCII letters and digits: tokenize() on ASCII text, and
 * the text index interns words where they stand with it, without a string per word.
 */
export function forEachAsciiWord (text: string, word: (start: number, end: number) => void): void {
  let start = -1
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    if (alnum && start === -1) start = i
    else if (!alnum && start !== -1) { word(start, i); start = -1 }
  }
}

// KB, MB and GB are read as KiB, MiB and GiB: people type either meaning 1024-based file sizes.
const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3
}

function parseSize (text: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(text)
  const factor = m == null ? undefined : UNITS[(m[2] === '' ? 'b' : m[2]).toLowerCase()]
  if (m == null || factor == null) throw new QueryError(`not a size: "${text}" (try 1MiB or 500KiB)`)
  return Math.round(Number(m[1]) * factor)
}

// A piece is a quoted phrase (an unbalanced quote runs to the end of the input), possibly negated
// or the value of a text filter (author:"jane austen"), or else a run of non-space characters.
const PIECE = /-?(?:(?:format|author|lang|language):)?"[^"]*"?|\S+/gi
const FILTER = /^(format|author|lang|language|size)(:|>=|<=|>|<)(.+)$/is

export function parseQuery (input: string): ParsedQuery {
  if (input.length > MAX_QUERY_CHARS) throw new QueryError(`query longer than ${MAX_QUERY_CHARS} characters`)
  const q: ParsedQuery = { terms: [], phrases: [], excluded: [], prefixLast: false }
  let words = 0
  for (const piece of input.match(PIECE) ?? []) {
    const negated = piece.startsWith('-') && piece.length > 1
    const body = negated ? piece.slice(1) : piece
    const filter = FILTER.exec(body)
    if (filter != null && negated) throw new QueryError(`a filter cannot be negated: ${piece}`)
    if (filter != null) {
      const [, key, op, raw] = filter
      const name = key.toLowerCase()
      const value = raw.replace(/^"|"$/g, '').trim()
      if (name === 'size') {
        const bytes = parseSize(value)
        if (op === '>') q.minSize = bytes + 1
        else if (op === '>=') q.minSize = bytes
        else if (op === '<') q.maxSize = bytes - 1
        else if (op === '<=') q.maxSize = bytes
        else { q.minSize = bytes; q.maxSize = bytes }
      } else if (op !== ':') {
        throw new QueryError(`${name} takes ":" (like ${name}:value)`)
      } else if (name === 'author') {
        const names = tokenize(value)
        words += names.length
        // author:"!!" holds no word: leaving it out lets an otherwise empty query be refused
        if (names.length > 0) q.author = [...(q.author ?? []), ...names]
      } else if (value !== '') {
        if (name === 'format') q.format = value.toLowerCase().replace(/^\./, '')
        else q.language = value.toLowerCase()
      }
      continue
    }
    const tokens = tokenize(body)
    if (tokens.length === 0) continue
    words += tokens.length
    if (negated) {
      // -"sea story" and -sherlock's exclude the words together, not each on its own
      q.excluded.push(tokens.join(' '))
    } else if (body.startsWith('"')) {
      q.phrases.push(tokens.join(' '))
    } else {
      q.terms.push(...tokens)
      q.prefixLast = [...tokens[tokens.length - 1]].length >= MIN_PREFIX_CHARS
    }
  }
  if (words > MAX_QUERY_TERMS) throw new QueryError(`more than ${MAX_QUERY_TERMS} words`)
  const hasFilter = q.format != null || q.author != null || q.language != null || q.minSize != null || q.maxSize != null
  if (q.terms.length === 0 && q.phrases.length === 0 && !hasFilter) {
    throw new QueryError(q.excluded.length > 0 ? 'nothing to search for: add a word or a filter to the exclusions' : 'nothing to search for')
  }
  return q
}
