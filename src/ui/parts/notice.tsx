// A line that says what went wrong (the server's own message) or what was done, and peer IDs.
import { shortId } from '../format.js'

export function ErrorLine ({ error }: { error?: string | null }) {
  return error != null && error !== '' ? <p class='notice error' role='alert'>{error}</p> : null
}

export function DoneLine ({ text }: { text?: string | null }) {
  return text != null && text !== '' ? <p class='notice ok' role='status'>{text}</p> : null
}

/** A peer ID, shortened, with the whole ID as its tooltip; a link to its shelf when `browse`. */
export function PeerId ({ id, browse = false }: { id: string, browse?: boolean }) {
  const short = shortId(id)
  return browse
    ? <a class='mono' href={`#/peer/${encodeURIComponent(id)}`} title={id}>{short}</a>
    : <span class='mono' title={id}>{short}</span>
}
