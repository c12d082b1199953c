// A deterministic synthetic catalog for the index benchmark: a skewed vocabulary (a few words are
// common, most are rare), four-word titles, two-word authors, and the queries people would type.
import { createHash } from 'node:crypto'
import { bookIdOf, CHUNK_SIZE } from '../src/content/book-id.js'
import type { BookRecord } from '../src/wire/records.js'
import { mulberry32 as rng } from '../scripts/prng.js'

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'de', 'ph', 'ar', 'el', 'is', 'on', 'ur', 'ba', 'co', 'fa', 'gi', 'ho', 'ju', 'ly', 'mo', 'ne', 'pa', 'qu', 'ri', 'sa', 'to', 'wa']
const FORMATS = ['epub', 'epub', 'epub', 'pdf', 'txt', 'mobi']

/** A pronounceable word for n, distinct for every n. */
export function syllableWord (n: number): string {
  let w = ''
  let x = n + 1
  while (x > 0) { w += SYLLABLES[x % SYLLABLES.length]; x = Math.floor(x / SYLLABLES.length) }
  return w
}

export const VOCABULARY = 50_000
const AUTHOR_NAMES = 5_000

/** Skewed pick: low ranks are far more frequent (roughly Zipf-like). */
function pick (random: () => number, size: number): number {
  return Math.floor(size * Math.pow(random(), 3))
}

export function syntheticBook (n: number): BookRecord {
  const random = rng(n * 7919 + 17)
  const title = Array.from({ length: 4 }, () => syllableWord(pick(random, VOCABULARY))).join(' ')
  const author = `${syllableWord(VOCABULARY + pick(random, AUTHOR_NAMES))} ${syllableWord(VOCABULARY + AUTHOR_NAMES + pick(random, AUTHOR_NAMES))}`
  const format = FORMATS[Math.floor(random() * FORMATS.length)]
  const size = 50_000 + Math.floor(random() * 20_000_000)
  const chunkHashes = new Uint8Array(createHash('sha256').update(`book ${n}`).digest())
  return {
    id: bookIdOf({ size, chunkSize: CHUNK_SIZE, chunkHashes }).toString(),
    title,
    author,
    format,
    size,
    fileName: `${author} - ${title}.${format}`,
    language: random() < 0.8 ? 'en' : 'fr'
  }
}

/** Queries drawn from registered titles: 1-3 words, a prefix of the last word, or a filter. */
export function syntheticQueries (count: number, books: number, seed = 1): string[] {
  const random = rng(seed)
  return Array.from({ length: count }, () => {
    const book = syntheticBook(Math.floor(random() * books))
    const words = book.title.split(' ')
    const kind = random()
    if (kind < 0.25) return words[Math.floor(random() * 4)]
    if (kind < 0.55) return words.slice(0, 2).join(' ')
    if (kind < 0.75) return words.slice(1, 4).join(' ')
    if (kind < 0.9) return `${words[0]} ${words[1].slice(0, 3)}`
    return `${words[2]} format:${book.format}`
  })
}
