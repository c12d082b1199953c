// Get: adds books to the download list (an ID or a book link each), one request a book; the
// list on the page learns of them at once from the answers, and then from the event stream.
import { api, messageOf } from '../api.js'
import type { Download } from '../api-types.js'
import type { LiveFeed } from '../live-feed.js'

export async function getBooks (feed: LiveFeed, ids: string[]): Promise<{ added: number, errors: string[] }> {
  let added = 0
  const errors: string[] = []
  for (const id of ids) {
    try {
      feed.upsert(await api.post<Download>('/downloads', { id }))
      added++
    } catch (err) {
      errors.push(messageOf(err))
    }
  }
  return { added, errors }
}

export function gotText (result: { added: number, errors: string[] }): string {
  return result.added === 0 ? '' : `${result.added} book${result.added === 1 ? '' : 's'} added to Downloads.`
}
