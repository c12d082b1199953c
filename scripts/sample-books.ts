// Sample books for a local swarm: valid EPUB 3 files (with OPF metadata) and plain texts carrying
// the titles and authors of public-domain classics, so a newcomer can type `search moby`. The text
// inside is generated prose, deterministic, so two runs (and two peers) produce identical bytes.
//   node dist/scripts/sample-books.js <dir> [--peers N]
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { zipSync, strToU8 } from 'fflate'
import { mulberry32 } from './prng.js'

export const CLASSICS: Array<{ title: string, author: string, language: string }> = [
  { title: 'Moby Dick', author: 'Herman Melville', language: 'en' },
  { title: 'Pride and Prejudice', author: 'Jane Austen', language: 'en' },
  { title: 'Emma', author: 'Jane Austen', language: 'en' },
  { title: 'Sense and Sensibility', author: 'Jane Austen', language: 'en' },
  { title: 'Frankenstein', author: 'Mary Shelley', language: 'en' },
  { title: 'Dracula', author: 'Bram Stoker', language: 'en' },
  { title: "Alice's Adventures in Wonderland", author: 'Lewis Carroll', language: 'en' },
  { title: 'Great Expectations', author: 'Charles Dickens', language: 'en' },
  { title: 'A Tale of Two Cities', author: 'Charles Dickens', language: 'en' },
  { title: 'War and Peace', author: 'Leo Tolstoy', language: 'en' },
  { title: 'Crime and Punishment', author: 'Fyodor Dostoevsky', language: 'en' },
  { title: 'The Odyssey', author: 'Homer', language: 'en' },
  { title: 'Don Quixote', author: 'Miguel de Cervantes', language: 'en' },
  { title: 'Les Misérables', author: 'Victor Hugo', language: 'fr' },
  { title: 'Walden', author: 'Henry David Thoreau', language: 'en' },
  { title: 'Treasure Island', author: 'Robert Louis Stevenson', language: 'en' },
  { title: 'The Time Machine', author: 'H. G. Wells', language: 'en' },
  { title: 'Middlemarch', author: 'George Eliot', language: 'en' },
  { title: 'Wuthering Heights', author: 'Emily Brontë', language: 'en' },
  { title: 'Jane Eyre', author: 'Charlotte Brontë', language: 'en' },
  { title: 'The Adventures of Sherlock Holmes', author: 'Arthur Conan Doyle', language: 'en' },
  { title: 'Ulysses', author: 'James Joyce', language: 'en' },
  { title: 'The Picture of Dorian Gray', author: 'Oscar Wilde', language: 'en' },
  { title: 'Little Women', author: 'Louisa May Alcott', language: 'en' }
]

const WORDS = ('the of and to a in that it was he his with as for had you not be her on at by which have or from this him but all ' +
  'she they were my are me one their so an said them we who would been will no when there if more out up into do any your what ' +
  'has man could other than our some very time upon about may its only now like little then can should made did us such a great ' +
  'before must two these see know over much down after first mr good men own never most old shall day where those came come ' +
  'himself way work life without go make well through being long say might how am too even here sea whale captain ship house ' +
  'letter morning evening garden river road heart mind door window silence storm candle fortune journey winter summer').split(' ')

/** A deterministic PRNG seeded from a string. */
function rng (seed: string): () => number {
  return mulberry32(createHash('sha256').update(seed).digest().readUInt32LE(0))
}

/** Deterministic English-like chapters totalling about `bytes` bytes. */
export function proseFor (title: string, bytes: number): string[] {
  const random = rng(title)
  const chapters: string[] = []
  const perChapter = Math.max(2_000, Math.ceil(bytes / Math.max(3, Math.min(40, Math.round(bytes / 40_000)))))
  let total = 0
  while (total < bytes) {
    const paragraphs: string[] = []
    let size = 0
    while (size < perChapter && total + size < bytes) {
      const sentences: string[] = []
      const count = 3 + Math.floor(random() * 5)
      for (let s = 0; s < count; s++) {
        const n = 6 + Math.floor(random() * 14)
        const words = Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)])
        words[0] = words[0][0].toUpperCase() + words[0].slice(1)
        sentences.push(`${words.join(' ')}${random() < 0.1 ? '?' : '.'}`)
      }
      const paragraph = sentences.join(' ')
      paragraphs.push(paragraph)
      size += paragraph.length + 2
    }
    chapters.push(paragraphs.join('\n\n'))
    total += size
  }
  return chapters
}

function escapeXml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

function uuidFor (text: string): string {
  const h = createHash('sha256').update(text).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** Writes to a temporary name first: never a half-written file under the final name. */
async function writeAtomically (path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp`
  await writeFile(temp, data)
  await rename(temp, path)
}

const FIXED_DATE = new Date('2000-01-01T00:00:00Z')

export async function writeEpub (path: string, book: { title: string, author: string, language?: string, chapters: string[] }): Promise<void> {
  const language = book.language ?? 'en'
  const title = escapeXml(book.title)
  const author = escapeXml(book.author)
  const chapterFiles = book.chapters.map((text, i) => ({
    name: `chapter-${i + 1}.xhtml`,
    body: `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="${language}" xml:lang="${language}">
<head><title>${title}: Chapter ${i + 1}</title></head>
<body><section epub:type="chapter"><h2>Chapter ${i + 1}</h2>
${text.split('\n\n').map(p => `<p>${escapeXml(p)}</p>`).join('\n')}
</section></body></html>
`
  }))
  const opf = `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${language}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">urn:uuid:${uuidFor(`${book.title}\n${book.author}`)}</dc:identifier>
    <dc:title>${title}</dc:title>
    <dc:creator id="creator">${author}</dc:creator>
    <dc:language>${language}</dc:language>
    <meta property="dcterms:modified">2000-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
${chapterFiles.map((c, i) => `    <item id="c${i + 1}" href="${c.name}" media-type="application/xhtml+xml"/>`).join('\n')}
  </manifest>
  <spine>
${chapterFiles.map((_, i) => `    <itemref idref="c${i + 1}"/>`).join('\n')}
  </spine>
</package>
`
  const nav = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>${title}</title></head>
<body><nav epub:type="toc"><h1>${title}</h1><ol>
${chapterFiles.map((c, i) => `<li><a href="${c.name}">Chapter ${i + 1}</a></li>`).join('\n')}
</ol></nav></body></html>
`
  const container = `<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
`
  const files: Record<string, [Uint8Array, { level: 0 | 6, mtime: Date }]> = {
    // the EPUB spec wants "mimetype" first and stored, so readers can sniff the type
    mimetype: [strToU8('application/epub+zip'), { level: 0, mtime: FIXED_DATE }],
    'META-INF/container.xml': [strToU8(container), { level: 6, mtime: FIXED_DATE }],
    'OEBPS/content.opf': [strToU8(opf), { level: 6, mtime: FIXED_DATE }],
    'OEBPS/nav.xhtml': [strToU8(nav), { level: 6, mtime: FIXED_DATE }]
  }
  for (const c of chapterFiles) files[`OEBPS/${c.name}`] = [strToU8(c.body), { level: 6, mtime: FIXED_DATE }]
  await writeAtomically(path, zipSync(files))
}

async function writeText (path: string, book: { title: string, author: string, chapters: string[] }): Promise<void> {
  const heading = `${book.title}\nby ${book.author}\n\n`
  await writeAtomically(path, heading + book.chapters.map((c, i) => `CHAPTER ${i + 1}\n\n${c}\n`).join('\n'))
}

function fileSafe (text: string): string {
  return text.replace(/[/\\:*?"<>|]/g, '').replace(/'/g, '')
}

/**
 * Fills `rootDir/peer-1 .. peer-N` with the classics, round-robin, alternating EPUB and text;
 * `largeBooks` of them are several MiB, and a few are put on two shelves with identical bytes.
 */
export async function generateShelves (rootDir: string, peers: number, options: { largeBooks?: number } = {}): Promise<string[]> {
  const shelves = Array.from({ length: peers }, (_, i) => join(rootDir, `peer-${i + 1}`))
  await Promise.all(shelves.map(async s => { await mkdir(s, { recursive: true }) }))
  const large = options.largeBooks ?? 2
  await Promise.all(CLASSICS.map(async (classic, i) => {
    // the large ones are plain text: an EPUB's deflate would shrink generated prose threefold
    const format: 'epub' | 'txt' = i < large || i % 2 === 1 ? 'txt' : 'epub'
    const bytes = i < large ? (3 + i) * 1024 * 1024 : 40_000 + (i * 7919) % 160_000
    const chapters = proseFor(`${classic.title}/${classic.author}`, bytes)
    const fileName = `${fileSafe(classic.author)} - ${fileSafe(classic.title)}.${format}`
    // every third book (from the fourth on) also sits on the next peer's shelf: two providers
    const homes = [i % peers]
    if (peers > 1 && i % 3 === 0 && i > 0) homes.push((i + 1) % peers)
    for (const home of homes) {
      const path = join(shelves[home], fileName)
      if (format === 'epub') await writeEpub(path, { ...classic, chapters })
      else await writeText(path, { ...classic, chapters })
    }
  }))
  return shelves
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { peers: { type: 'string', default: '5' } } })
  const dir = positionals[0]
  if (dir == null) {
    process.stderr.write('usage: sample-books <dir> [--peers N]\n')
    process.exit(2)
  }
  const shelves = await generateShelves(dir, Number(values.peers))
  process.stdout.write(`${shelves.join('\n')}\n`)
}
