// What people give to name a book: its ID. Parsed once at the service's edge; the CID goes down.
import { InvalidParametersError } from '@libp2p/interface'
import { parseBookId } from '../content/book-id.js'
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

/** A book ID; throws InvalidParametersError for anything else. */
export function parseBookRef (input: string): BookRef {
  try {
    const cid = parseBookId(input)
    return { cid, id: cid.toString(), hints: [] }
  } catch (err) {
    throw new InvalidParametersError((err as Error).message)
  }
}
