// What a book is called: from its file name ("Author - Title.ext" or "Title.ext"), overridden by
// the OPF metadata inside an EPUB (title, creators, language) when it has any.
import { extname, basename } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import yauzl from 'yauzl'

export interface BookMetadata {
  title: string
  author: string
  format: string
  language: string
}

/** Entries larger than this are not read: container.xml and OPF files are a few KiB. */
const MAX_ENTRY_BYTES = 1024 * 1024

function clean (text: string): string {
  return text.replace(/_/g, ' ').replace(/\s+/g, ' ').trim()
}

export function metadataFromFileName (fileName: string): BookMetadata {
  const name = basename(fileName)
  const ext = extname(name)
  const hasExt = ext.length > 1 && ext !== name
  const stem = hasExt ? name.slice(0, -ext.length) : name
  const format = hasExt ? ext.slice(1).toLowerCase() : ''
  const dash = stem.indexOf(' - ')
  if (dash > 0) {
    const author = clean(stem.slice(0, dash))
    const title = clean(stem.slice(dash + 3))
    if (author !== '' && title !== '') return { title, author, format, language: '' }
  }
  return { title: clean(stem) === '' ? clean(name) : clean(stem), author: '', format, language: '' }
}

/** A zip from a file, or from the file's bytes when they are at hand already. */
async function openZip (file: string | Uint8Array): Promise<yauzl.ZipFile> {
  return await new Promise((resolve, reject) => {
    const opened = (err: Error | null, zip?: yauzl.ZipFile): void => {
      if (err != null || zip == null) reject(err ?? new Error('cannot open zip')); else resolve(zip)
    }
    if (typeof file === 'string') yauzl.open(file, { lazyEntries: true, autoClose: false }, opened)
    else yauzl.fromBuffer(Buffer.from(file.buffer, file.byteOffset, file.byteLength), { lazyEntries: true }, opened)
  })
}

/** Reads the named entries (and only those) from a zip, each bounded in size. */
async function readEntries (zip: yauzl.ZipFile, wanted: (name: string) => boolean): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  return await new Promise((resolve, reject) => {
    zip.on('error', reject)
    zip.on('end', () => { resolve(found) })
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!wanted(entry.fileName)) { zip.readEntry(); return }
      if (entry.uncompressedSize > MAX_ENTRY_BYTES) { reject(new Error(`${entry.fileName} is too large to be metadata`)); return }
      zip.openReadStream(entry, (err, stream) => {
        if (err != null || stream == null) { reject(err ?? new Error('cannot read entry')); return }
        const parts: Buffer[] = []
        let size = 0
        stream.on('data', (d: Buffer) => {
          size += d.byteLength
          if (size > MAX_ENTRY_BYTES) { stream.destroy(new Error(`${entry.fileName} is too large to be metadata`)); return }
          parts.push(d)
        })
        stream.on('error', reject)
        stream.on('end', () => { found.set(entry.fileName, Buffer.concat(parts).toString('utf8')); zip.readEntry() })
      })
    })
    zip.readEntry()
  })
}

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, textNodeName: '#text', isArray: (name) => ['creator', 'title', 'language', 'rootfile'].includes(name) })

function texts (value: unknown): string[] {
  const list = Array.isArray(value) ? value : value == null ? [] : [value]
  return list.map(v => typeof v === 'object' && v != null ? String((v as Record<string, unknown>)['#text'] ?? '') : String(v)).map(clean).filter(t => t !== '')
}

/** Title, creators and language from an EPUB's OPF (the file, or its bytes); throws with a reason when it cannot. */
export async function readEpubMetadata (file: string | Uint8Array): Promise<Partial<BookMetadata>> {
  const zip = await openZip(file)
  try {
    // one pass: the container and every package file (rarely more than one), each a few KiB
    const entries = await readEntries(zip, n => n === 'META-INF/container.xml' || n.toLowerCase().endsWith('.opf'))
    const container = entries.get('META-INF/container.xml')
    if (container == null) throw new Error('no META-INF/container.xml')
    const rootfiles = parser.parse(container)?.container?.rootfiles?.rootfile
    const opfPath = Array.isArray(rootfiles) ? String(rootfiles[0]?.['@_full-path'] ?? '') : ''
    if (opfPath === '') throw new Error('container.xml names no package file')
    const opf = entries.get(opfPath)
    if (opf == null) throw new Error(`package file ${opfPath} is missing`)
    const metadata = parser.parse(opf)?.package?.metadata
    if (metadata == null) throw new Error('package file has no metadata')
    const result: Partial<BookMetadata> = {}
    const title = texts(metadata.title)[0]
    if (title != null) result.title = title
    const creators = texts(metadata.creator)
    if (creators.length > 0) result.author = creators.join(', ')
    const language = texts(metadata.language)[0]
    if (language != null) result.language = language
    return result
  } finally {
    zip.close()
  }
}

/**
 * File-name metadata, improved by the EPUB's own when it is an EPUB that can be read (from `bytes`,
 * the whole file, when given).
 */
export async function readBookMetadata (path: string, bytes?: Uint8Array): Promise<BookMetadata> {
  const fromName = metadataFromFileName(path)
  if (fromName.format !== 'epub') return fromName
  try {
    const fromEpub = await readEpubMetadata(bytes ?? path)
    return {
      title: fromEpub.title ?? fromName.title,
      author: fromEpub.author ?? fromName.author,
      format: fromName.format,
      language: fromEpub.language ?? fromName.language
    }
  } catch {
    return fromName
  }
}
