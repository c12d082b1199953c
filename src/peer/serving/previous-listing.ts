// The listing this peer had registered when it last stopped, as its hash cache remembers the shelf
// then: what a restart asks an index to confirm (by its digest, spec 5.2.1) instead of sending every
// book again, and what the shelf found by the scan is compared with, to send only the difference.
import { basename } from 'node:path'
import { listingHash, xorInto } from '../../wire/listing-digest.js'
import { fitBook, type BookRecord } from '../../wire/records.js'
import type { CachedFiles } from './hash-cache.js'

/** A book's listing hash as we send it (fitted to the wire's limits), as text: a compact map value. */
function sentHash (book: BookRecord): Uint8Array {
  return listingHash(fitBook(book))
}

export class PreviousListing {
  /** The digest of the whole listing, as an index that still holds it has it. */
  readonly digest = new Uint8Array(16)
  /** Each book's listing hash (hex), by book ID. */
  private readonly hashes = new Map<string, string>()

  constructor (books: Iterable<BookRecord>) {
    for (const book of books) {
      const hash = sentHash(book)
      this.hashes.set(book.id, Buffer.from(hash).toString('hex'))
      xorInto(this.digest, hash)
    }
  }

  get size (): number { return this.hashes.size }

  /** What to send an index holding this listing so that it lists `current`: books new or listed differently, and books gone. */
  changesTo<B extends BookRecord> (current: B[]): { added: B[], removed: string[] } {
    const added: B[] = []
    const present = new Set<string>()
    for (const book of current) {
      present.add(book.id)
      if (this.hashes.get(book.id) !== Buffer.from(sentHash(book)).toString('hex')) added.push(book)
    }
    const removed = [...this.hashes.keys()].filter(id => !present.has(id))
    return { added, removed }
  }
}

/**
 * The listing the shelf had as the hash cache remembers it: one book per ID, the copy at the
 * smallest path (as ShelfBooks lists it). Undefined when there is nothing to resume, or a row of an
 * older cache lacks its book ID (that registration cannot be checked: the peer registers in full).
 */
export function previousListing (cache: CachedFiles): PreviousListing | undefined {
  const listed = new Map<string, { path: string, book: BookRecord }>()
  for (const { path, id, size, metadata } of cache.files()) {
    if (id == null) return undefined
    const before = listed.get(id)
    if (before != null && before.path < path) continue
    listed.set(id, { path, book: { id, ...metadata, size, fileName: basename(path) } })
  }
  return listed.size === 0 ? undefined : new PreviousListing([...listed.values()].map(l => l.book))
}
