// What people give to name a book: its ID, or a book link (protocols/links.md) with hints. Parsed
// once at the service's edge; the CID and the hinted providers go down.
import { InvalidParametersError } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { parseBookId } from '../content/book-id.js'
import { isBookLink, parseBookLink } from '../wire/book-link.js'
import type { ProviderInfo } from '../wire/records.js'
import type { CID } from 'multiformats/cid'

/** A book to download: its ID, and what the giver said about it (untrusted hints). */
export interface BookRef {
  cid: CID
  /** The canonical ID string. */
  id: string
  title?: string
  /** File name to save under (sanitised before use). */
  fileName?: string
  size?: number
  /** Providers to dial even when no index knows the book. */
  hints: ProviderInfo[]
}

/** A hint `…/p2p/<id>` as a provider: its peer ID, and the address without the suffix (as indexes list them). */
function hintProvider (hint: string): ProviderInfo {
  const address = multiaddr(hint)
  const peerId = address.getComponents().at(-1)?.value as string
  return { peerId, multiaddrs: [address.decapsulateCode(421).toString()] }
}

/** A book ID or a book link; throws InvalidParametersError for anything else. */
export function parseBookRef (input: string): BookRef {
  try {
    if (isBookLink(input)) {
      const link = parseBookLink(input)
      return { cid: link.id, id: link.id.toString(), title: link.title, fileName: link.name, size: link.size, hints: link.peers.map(hintProvider) }
    }
    const cid = parseBookId(input)
    return { cid, id: cid.toString(), hints: [] }
  } catch (err) {
    throw new InvalidParametersError((err as Error).message)
  }
}
