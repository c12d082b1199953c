// The book link this peer gives for a book: from its shelf (with its own best address as the one
// hint), else from its download list, else from what the indexes list (up to 3 providers); and
// the link of a file, hashed here.
import { basename } from 'node:path'
import { isLoopback, isPrivate } from '@libp2p/utils'
import { bookIdOf } from '../content/book-id.js'
import { hashFile } from '../content/hash-file.js'
import { readBookMetadata } from '../content/metadata.js'
import { formatBookLink } from '../wire/book-link.js'
import type { BookRef } from './book-ref.js'
import type { DownloadInfo } from './download-manager/managed-download.js'
import type { SearchResultEntry } from './index-links/search-results.js'
import type { ShelfEntry } from './serving/shelf.js'
import type { ProviderInfo } from '../wire/records.js'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface LinkSources {
  shared?: ShelfEntry
  listed?: DownloadInfo
  found?: SearchResultEntry
  /** This node's addresses (with their `/p2p/` suffix). */
  ownAddresses: Multiaddr[]
}

/** The one address of ours to give as a hint: a public one before a private one, loopback last. */
function bestOwnAddress (addresses: Multiaddr[]): string | undefined {
  const rank = (a: Multiaddr): number => isLoopback(a) ? 2 : isPrivate(a) ? 1 : 0
  const best = addresses.filter(a => a.getComponents().some(c => c.name === 'p2p')).sort((a, b) => rank(a) - rank(b))[0]
  return best?.toString()
}

/** Providers as link hints: each one's first address with its `/p2p/` suffix. */
function hintTexts (providers: ProviderInfo[]): string[] {
  return providers.flatMap(p => p.multiaddrs.length > 0 ? [`${p.multiaddrs[0]}/p2p/${p.peerId}`] : [])
}

const nonEmpty = <T>(value: T | '' | 0 | undefined): T | undefined => value === '' || value === 0 ? undefined : value

export function writeBookLink (ref: BookRef, sources: LinkSources): string {
  const { shared, listed, found } = sources
  if (shared != null) {
    const own = bestOwnAddress(sources.ownAddresses)
    return formatBookLink({ id: ref.cid, title: shared.title, size: shared.size, name: shared.fileName, peers: own != null ? [own] : [] })
  }
  if (listed != null) {
    return formatBookLink({ id: ref.cid, title: nonEmpty(listed.title), size: nonEmpty(listed.size), name: nonEmpty(listed.fileName), peers: hintTexts(ref.hints) })
  }
  const book = found?.book
  return formatBookLink({
    id: ref.cid,
    title: nonEmpty(book?.title) ?? ref.title,
    size: nonEmpty(book?.size) ?? ref.size,
    name: nonEmpty(book?.fileName) ?? ref.fileName,
    peers: hintTexts(found?.providers ?? ref.hints)
  })
}

/** The link of a book file: its ID (the file is hashed), title from its metadata, size, name, and the given provider hints. */
export async function bookLinkForFile (path: string, peers: string[] = []): Promise<string> {
  const [manifest, metadata] = await Promise.all([hashFile(path), readBookMetadata(path)])
  return formatBookLink({ id: bookIdOf(manifest), title: metadata.title, size: manifest.size, name: basename(path), peers })
}
