// A generated Calibre-like library for the shelf benchmark: `books` EPUB and TXT files in nested
// author folders (<letter>/<author>/<author> - <title>.<ext>), deterministic (same count, same
// bytes), written once into a cache folder and reused by later runs.
//
// Sizes lie in 100 KiB–5 MiB but are skewed low, as in real libraries and so that 100,000 books fit
// this machine's disk and page cache: 95.7 % of 100–140 KiB, 4 % of 140 KiB–1 MiB, 0.3 % of 1–5 MiB
// (log-uniform within each band): about 140 KiB a book on average, 13 GiB for 100,000.
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { strToU8, zipSync } from 'fflate'
import { mulberry32 } from '../scripts/prng.js'
import { syllableWord } from './synthetic-catalog.js'

const KiB = 1024
const MiB = 1024 * KiB
/** Bumped whenever the generator's output changes, so an old cache is not reused. */
const GENERATOR_VERSION = 1
const FILLER_BYTES = 5 * MiB + 64 * KiB

export interface LibraryBook {
  /** Path inside the library folder. */
  path: string
  title: string
  author: string
  /** A word no other book has: searching it finds exactly this book. */
  word: string
  format: 'epub' | 'txt'
  size: number
}

/** A word unique to book n (syllables beyond the synthetic catalog's vocabulary). */
export function uniqueWord (n: number): string {
  return `zu${syllableWord(n)}`
}

function sizeOf (random: () => number): number {
  const band = random()
  const [low, high] = band < 0.957 ? [100 * KiB, 140 * KiB] : band < 0.997 ? [140 * KiB, MiB] : [MiB, 5 * MiB]
  return Math.floor(low * Math.pow(high / low, random()))
}

/** Book n of the library: its place, name and size (its bytes come from writeBook). */
export function libraryBook (n: number): LibraryBook {
  const random = mulberry32(n * 104_729 + 7)
  // ~8,000 authors, a few with many books
  const a = Math.floor(8_000 * Math.pow(random(), 2))
  const author = `${capital(syllableWord(60_000 + (a % 97)))} ${capital(syllableWord(70_000 + a))}`
  const title = `${capital(syllableWord(Math.floor(20_000 * Math.pow(random(), 3))))} ${syllableWord(Math.floor(20_000 * random()))} ${uniqueWord(n)}`
  const format = random() < 0.6 ? 'epub' : 'txt'
  const size = sizeOf(random)
  return { path: join(author[0], author, `${author} - ${title}.${format}`), title, author, word: uniqueWord(n), format, size }
}

function capital (w: string): string {
  return w[0].toUpperCase() + w.slice(1)
}

/** Printable filler shared by every book (each book starts at its own offset, after its own header). */
export function filler (): Buffer {
  const random = mulberry32(424_242)
  const out = Buffer.allocUnsafe(FILLER_BYTES)
  for (let i = 0; i < out.length; i++) {
    const r = random()
    out[i] = r < 0.16 ? 32 : r < 0.165 ? 10 : 97 + Math.floor(random() * 26)
  }
  return out
}

function escapeXml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The book's bytes, exactly `book.size` long: a text file, or a stored EPUB with an OPF naming it. */
export function bookBytes (book: LibraryBook, n: number, fill: Buffer): Uint8Array {
  const offset = (n * 7919) % (fill.length - 5 * MiB)
  if (book.format === 'txt') {
    const out = Buffer.allocUnsafe(book.size)
    const head = out.write(`${book.title}\nby ${book.author}\n\n`)
    fill.copy(out, head, offset, offset + book.size - head)
    return out
  }
  const opf = `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:arkshare-bench:${n}</dc:identifier>
    <dc:title>${escapeXml(book.title)}</dc:title>
    <dc:creator>${escapeXml(book.author)}</dc:creator>
    <dc:language>en</dc:language>
  </metadata>
  <manifest><item id="t" href="text.xhtml" media-type="application/xhtml+xml"/></manifest>
  <spine><itemref idref="t"/></spine>
</package>
`
  const container = '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
  const fixed = { level: 0 as const, mtime: new Date('2000-01-01T00:00:00Z') }
  const build = (textBytes: number): Uint8Array => zipSync({
    mimetype: [strToU8('application/epub+zip'), fixed],
    'META-INF/container.xml': [strToU8(container), fixed],
    'OEBPS/content.opf': [strToU8(opf), fixed],
    'OEBPS/text.xhtml': [fill.subarray(offset, offset + textBytes), fixed]
  })
  // stored entries: the archive is the text plus a fixed overhead, so one retry lands on the size
  const overhead = build(0).byteLength
  return build(book.size - overhead)
}

export interface Library {
  root: string
  books: number
  bytes: number
}

/**
 * The library of `books` books under `cacheDir`, generated first unless a complete one is there
 * (written under a temporary name and renamed when done: a half-written library is never reused).
 */
export async function ensureLibrary (cacheDir: string, books: number, log: (line: string) => void): Promise<Library> {
  const dir = join(cacheDir, `library-${books}-v${GENERATOR_VERSION}`)
  const root = join(dir, 'books')
  const doneFile = join(dir, 'done.json')
  if (existsSync(doneFile)) return JSON.parse(await readFile(doneFile, 'utf8'))
  const partial = `${root}.partial`
  await rm(partial, { recursive: true, force: true })
  const fill = filler()
  let bytes = 0
  let next = 0
  const started = performance.now()
  const worker = async (): Promise<void> => {
    while (next < books) {
      const n = next++
      const book = libraryBook(n)
      const path = join(partial, book.path)
      await mkdir(join(path, '..'), { recursive: true })
      await writeFile(path, bookBytes(book, n, fill))
      bytes += book.size
      if (n % 10_000 === 9_999) log(`  generated ${n + 1} books (${(bytes / 2 ** 30).toFixed(1)} GiB) in ${Math.round((performance.now() - started) / 1000)} s`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  await rename(partial, root)
  const library: Library = { root, books, bytes }
  await writeFile(doneFile, JSON.stringify(library))
  return library
}

/** Total bytes the library of `books` books holds, without generating it. */
export function plannedBytes (books: number): number {
  let total = 0
  for (let n = 0; n < books; n++) total += libraryBook(n).size
  return total
}
