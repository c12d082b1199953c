// The search language people type, parsed into a structure the catalog turns into SQL:
//   moby dick            every word must match title, author or file name (the last one as a prefix)
//   "white whale"        a phrase        -abridged    exclusion
//   format:epub  author:austen  lang:en  size>1MiB  size<=500KiB      filters
// Every word reaches FTS5 double-quoted, so nothing a user types can become FTS5 syntax.

export class QueryError extends Error {
  override name = 'QueryError'
}

export interface ParsedQuery {
  terms: string[]
  phrases: string[][]
  excluded: string[]
  /** The last bare word also matches as a prefix ("mob" finds "Moby"); needs 3+ characters. */
  prefixLast: boolean
  format?: string
  author?: string[]
  language?: string
  minSize?: number
  maxSize?: number
}

export const MAX_QUERY_CHARS = 256
export const MAX_QUERY_TERMS = 32
export const MIN_PREFIX_CHARS = 3

/** Words as FTS5's unicode61 tokenizer sees them: runs of letters and digits, lower-cased. */
export function tokenize (text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
}

const UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 }

function parseSize (text: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(text)
  const factor = m == null ? undefined : UNITS[(m[2] === '' ? 'b' : m[2]).toLowerCase()]
  if (m == null || factor == null) throw new QueryError(`not a size: "${text}" (try 1MiB or 500KiB)`)
  return Math.round(Number(m[1]) * factor)
}

export function parseQuery (input: string): ParsedQuery {
  if (input.length > MAX_QUERY_CHARS) throw new QueryError(`query longer than ${MAX_QUERY_CHARS} characters`)
  const q: ParsedQuery = { terms: [], phrases: [], excluded: [], prefixLast: false }
  let lastBareWasTerm = false
  // quoted phrases (an unbalanced quote runs to the end), or runs of non-space
  const pieces = input.match(/-?"[^"]*"?|\S+/g) ?? []
  for (const piece of pieces) {
    lastBareWasTerm = false
    const negated = piece.startsWith('-') && piece.length > 1
    const body = negated ? piece.slice(1) : piece
    if (body.startsWith('"')) {
      const words = tokenize(body)
      if (words.length === 0) continue
      if (negated) q.excluded.push(...words)
      else q.phrases.push(words)
      continue
    }
    const filter = /^(format|author|lang|language|size)(:|>=|<=|>|<)(.+)$/i.exec(body)
    if (filter != null && !negated) {
      const [, key, op, value] = filter
      const name = key.toLowerCase()
      if (name === 'size') {
        const bytes = parseSize(value)
        if (op === '>' || op === '>=') q.minSize = op === '>' ? bytes + 1 : bytes
        else if (op === '<' || op === '<=') q.maxSize = op === '<' ? bytes - 1 : bytes
        else { q.minSize = bytes; q.maxSize = bytes }
      } else if (op !== ':') {
        throw new QueryError(`${name} takes ":" (like ${name}:value)`)
      } else if (name === 'format') {
        q.format = value.toLowerCase().replace(/^\./, '')
      } else if (name === 'author') {
        q.author = [...(q.author ?? []), ...tokenize(value)]
      } else {
        q.language = value.toLowerCase()
      }
      continue
    }
    const words = tokenize(body)
    if (negated) {
      q.excluded.push(...words)
    } else if (words.length > 0) {
      q.terms.push(...words)
      lastBareWasTerm = true
    }
  }
  // a one- or two-letter prefix would expand to a large part of the vocabulary
  q.prefixLast = lastBareWasTerm && (q.terms.at(-1)?.length ?? 0) >= MIN_PREFIX_CHARS
  const count = q.terms.length + q.excluded.length + q.phrases.reduce((n, p) => n + p.length, 0) + (q.author?.length ?? 0)
  if (count > MAX_QUERY_TERMS) throw new QueryError(`more than ${MAX_QUERY_TERMS} words`)
  const hasFilter = q.format != null || q.author != null || q.language != null || q.minSize != null || q.maxSize != null
  if (q.terms.length === 0 && q.phrases.length === 0 && !hasFilter) {
    throw new QueryError(q.excluded.length > 0 ? 'nothing to search for: add a word to the exclusions' : 'nothing to search for')
  }
  return q
}

function quote (word: string): string {
  return `"${word.replace(/"/g, '""')}"`
}

/** The FTS5 MATCH expression for the positive text terms; undefined when there are none. */
export function toFtsMatch (q: ParsedQuery): string | undefined {
  const parts: string[] = []
  q.terms.forEach((term, i) => {
    parts.push(q.prefixLast && i === q.terms.length - 1 ? `${quote(term)}*` : quote(term))
  })
  for (const phrase of q.phrases) parts.push(phrase.map(quote).join(' + '))
  if (q.author != null && q.author.length > 0) parts.push(`author : (${q.author.map(quote).join(' AND ')})`)
  return parts.length === 0 ? undefined : parts.join(' AND ')
}

/** The FTS5 MATCH expression a listing must NOT match (the -words); undefined when none. */
export function toExclusionMatch (q: ParsedQuery): string | undefined {
  return q.excluded.length === 0 ? undefined : q.excluded.map(quote).join(' OR ')
}
