// The listing this peer had registered when it last stopped, as its hash cache remembers the shelf
// then: what a restart asks an index to confirm (by its digest, spec 5.2.1) instead of sending every
// book again, and what the shelf found by the scan is compared with, to send only the difference.
// Kept compact (one byte array of hashes, one map of slots): it lives beside a 100,000-book shelf.
import { basename } from 'node:path'
import { listingHash, xorInto } from '../../wire/listing-digest.js'
import { fitBook, type BookRecord } from '../../wire/records.js'
import type { CachedFiles } from './hash-cache.js'

const HASH_BYTES = 16

/** A book's listing hash as we send it (fitted to the wire's limits). */
function sentHash (book: BookRecord): Uint8Array {
  return listingHash(fitBook(book))
}

export class PreviousListing {
  /** Each book's slot in `hashes`, by book ID. */
  private readonly slots = new Map<string, number>()
  private hashes = new Uint8Array(HASH_BYTES * 1024)

  /** The listing of `books` (a book ID met again replaces the one before). */
  constructor (books: Iterable<BookRecord> = []) {
    for (const book of books) this.set(book)
  }

  /** Lists `book`, in place of any book with its ID. */
  set (book: BookRecord): void {
    let slot = this.slots.get(book.id)
    if (slot == null) {
      slot = this.slots.size
      this.slots.set(book.id, slot)
      if ((slot + 1) * HASH_BYTES > this.hashes.length) {
        const grown = new Uint8Array(this.hashes.length * 2)
        grown.set(this.hashes)
        this.hashes = grown
      }
    }
    this.hashes.set(sentHash(book), slot * HASH_BYTES)
  }

  get size (): number { return this.slots.size }

  /** The digest of the whole listing, as an index that still holds it has it. */
  get digest (): Uint8Array {
    const digest = new Uint8Array(HASH_BYTES)
    for (let slot = 0; slot < this.slots.size; slot++) xorInto(digest, this.hashes.subarray(slot * HASH_BYTES, (slot + 1) * HASH_BYTES))
    return digest
  }

  /** What to send an index holding this listing so that it lists `current`: books new or listed differently, and books gone. */
  changesTo<B extends BookRecord> (current: B[]): { added: B[], removed: string[] } {
    const added: B[] = []
    const present = new Set<string>()
    for (const book of current) {
      present.add(book.id)
      const slot = this.slots.get(book.id)
      if (slot == null || !this.sameHash(slot, sentHash(book))) added.push(book)
    }
    const removed = [...this.slots.keys()].filter(id => !present.has(id))
    return { added, removed }
  }

  private sameHash (slot: number, hash: Uint8Array): boolean {
    const at = slot * HASH_BYTES
    for (let i = 0; i < HASH_BYTES; i++) if (this.hashes[at + i] !== hash[i]) return false
    return true
  }
}

/**
 * The listing the shelf had as the hash cache remembers it: one book per ID, the copy at the
 * smallest path (as ShelfBooks lists it). Undefined when there is nothing to resume, or a row of an
 * older cache lacks its book ID (that registration cannot be checked: the peer registers in full).
 */
export function previousListing (cache: CachedFiles): PreviousListing | undefined {
  const listing = new PreviousListing()
  const listedPath = new Map<string, string>()
  for (const { path, id, size, metadata } of cache.files()) {
    if (id == null) return undefined
    const before = listedPath.get(id)
    if (before != null && before < path) continue
    listedPath.set(id, path)
    listing.set({ id, ...metadata, size, fileName: basename(path) })
  }
  return listing.size === 0 ? undefined : listing
}
