// The shelf benchmark's changes in the middle of a running shelf: one book added, one removed, one
// renamed (a new title in its file name, the same bytes). The library is a cache reused by later
// runs, so every change is undone afterwards, and undone first when an earlier run died mid-way.
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { bookBytes, libraryBook, uniqueWord, type LibraryBook } from './shelf-library.js'

export interface ShelfChange {
  kind: 'added' | 'removed' | 'renamed'
  /** The word to search, and whether the index should then find it or not. */
  word: string
  want: 'present' | 'absent'
  apply: () => Promise<void>
}

interface ChangePaths {
  added: { book: LibraryBook, n: number, path: string }
  removed: { path: string, aside: string }
  renamed: { from: string, to: string, word: string }
}

/** The first plain-text book at or after n (a rename changes a TXT's title; an EPUB's comes from inside). */
function textBookFrom (n: number): { book: LibraryBook, n: number } {
  for (let i = n; ; i++) {
    const book = libraryBook(i)
    if (book.format === 'txt') return { book, n: i }
  }
}

function changePaths (root: string, books: number): ChangePaths {
  const addN = books
  const added = libraryBook(addN)
  const removed = libraryBook(Math.floor(books / 2))
  const renamed = textBookFrom(Math.floor(books / 2) + 1).book
  const word = uniqueWord(books + 1)
  const from = join(root, renamed.path)
  return {
    added: { book: added, n: addN, path: join(root, added.path) },
    removed: { path: join(root, removed.path), aside: join(root, '..', 'removed-during-bench') },
    renamed: { from, to: join(dirname(from), `${renamed.author} - ${renamed.title} ${word}.txt`), word }
  }
}

/** The three changes, in order; each is timed by the caller from `apply` until the index agrees. */
export function shelfChanges (root: string, books: number, fill: Buffer): ShelfChange[] {
  const p = changePaths(root, books)
  return [
    {
      kind: 'added',
      word: p.added.book.word,
      want: 'present',
      apply: async () => {
        // written under an ignored name, then renamed: the shelf never sees half a book
        await mkdir(dirname(p.added.path), { recursive: true })
        await writeFile(`${p.added.path}.tmp`, bookBytes(p.added.book, p.added.n, fill))
        await rename(`${p.added.path}.tmp`, p.added.path)
      }
    },
    {
      kind: 'removed',
      word: libraryBook(Math.floor(books / 2)).word,
      want: 'absent',
      apply: async () => { await rename(p.removed.path, p.removed.aside) }
    },
    { kind: 'renamed', word: p.renamed.word, want: 'present', apply: async () => { await rename(p.renamed.from, p.renamed.to) } }
  ]
}

/** Puts the library back as generated (safe to call whatever state an earlier run left). */
export async function undoShelfChanges (root: string, books: number): Promise<void> {
  const p = changePaths(root, books)
  await rm(p.added.path, { force: true })
  await rm(`${p.added.path}.tmp`, { force: true })
  if (existsSync(p.removed.aside)) await rename(p.removed.aside, p.removed.path)
  if (existsSync(p.renamed.to)) await rename(p.renamed.to, p.renamed.from)
}
