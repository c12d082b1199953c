// What a search of every index returns: their answers merged into one entry per book, with the
// providers every index listed for it.
import { normaliseError } from '../../wire/errors.js'
import { bookFromWire, derivedFileName, providerFromWire, type BookRecord, type ProviderInfo } from '../../wire/records.js'
import { NoIndexError } from '../errors.js'
import type { SearchResponse } from '../../wire/messages.js'

export interface ProviderView extends ProviderInfo {
  /** Round-trip time this peer measured, when known. */
  latencyMs?: number
}

export interface SearchResultEntry {
  book: BookRecord
  providers: ProviderView[]
}

export interface SearchResults {
  results: SearchResultEntry[]
  /** Highest total any index reported. */
  total: number
  /** Some index estimated its total (very common words). */
  totalIsEstimate?: boolean
  /** Indexes that could not answer, with the reason. */
  failures: Array<{ index: string, error: string }>
}

/** One index's answer, or why it gave none. */
export interface IndexAnswer {
  index: string
  outcome: PromiseSettledResult<SearchResponse>
}

/**
 * Merges the answers: one entry per book, providers unioned; throws NoIndexError when none answered.
 * The requests asked for derived file names (IndexLink.search): an empty file name is the derived one.
 */
export function mergeAnswers (answers: IndexAnswer[]): SearchResults {
  const merged = new Map<string, SearchResultEntry>()
  const failures: SearchResults['failures'] = []
  let total = 0
  let totalIsEstimate = false
  for (const { index, outcome } of answers) {
    if (outcome.status === 'rejected') {
      failures.push({ index, error: normaliseError(outcome.reason).message })
      continue
    }
    const response = outcome.value
    total = Math.max(total, response.total)
    totalIsEstimate ||= response.totalIsEstimate
    for (const result of response.results) {
      if (result.book == null) continue
      let book: BookRecord
      try { book = bookFromWire(result.book) } catch { continue }
      if (book.fileName === '') book.fileName = derivedFileName(book)
      const entry = merged.get(book.id) ?? { book, providers: [] }
      for (const p of result.providers) {
        const provider = providerFromWire(p)
        if (provider == null) continue
        const known = entry.providers.find(q => q.peerId === provider.peerId)
        if (known == null) entry.providers.push(provider)
        else known.multiaddrs = [...new Set([...known.multiaddrs, ...provider.multiaddrs])]
      }
      merged.set(book.id, entry)
    }
  }
  if (failures.length === answers.length) {
    throw new NoIndexError(`no index answered: ${failures.map(f => f.error).join('; ')}`)
  }
  return { results: [...merged.values()], total, totalIsEstimate, failures }
}
