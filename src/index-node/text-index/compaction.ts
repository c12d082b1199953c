// Compaction: the index rebuilt from its live slots only, once enough dead ones have piled up.
import type { IndexParts } from './parts.js'
import { emptyParts } from './parts.js'

/**
 * New structures holding the live slots of `old` only, renumbering words and books so that those no
 * listing holds any more are forgotten too (word ids are remapped, so nothing is re-tokenised).
 */
export function compacted (old: IndexParts): IndexParts {
  const next = emptyParts(old)
  const { vocabulary, store, words, texts } = next
  const termOf = new Int32Array(old.vocabulary.size).fill(-1)
  for (let s = 0; s < old.store.slots; s++) {
    if (!old.store.isAlive(s)) continue
    const fields = [0, 1, 2].map((f) => Array.from(old.words.field(s, f), (t) => {
      if (termOf[t] === -1) termOf[t] = vocabulary.termId(old.vocabulary.nameOf(t))
      return termOf[t]
    }))
    const book = store.books.intern(old.store.books.nameOf(old.store.bookAt(s)))
    const length = fields[0].length + fields[1].length + fields[2].length
    const slot = store.place(old.store.listingId[s], old.store.peerAt(s), book, old.store.size[s], old.store.format[s], old.store.language[s], length)
    words.put(slot, fields)
    texts.put(slot, [0, 1, 2].map(f => old.texts.bytes(s, f)))
  }
  vocabulary.buildPostings(store, words)
  next.scratch.forget()
  return next
}
