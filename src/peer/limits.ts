// The limits a running peer may change (the web UI's Limits screen, the shell): upload and download
// rates, upload slots, active downloads. Checked here once, whoever asks.
import { InvalidParametersError } from '@libp2p/interface'

export interface Limits {
  /** Bytes per second, all peers together; null: unlimited. */
  maxUploadBytesPerSecond: number | null
  /** Bytes per second to each peer; null: unlimited. */
  maxUploadBytesPerSecondPerPeer: number | null
  /** Bytes per second, all downloads together; null: unlimited. */
  maxDownloadBytesPerSecond: number | null
  /** Peers served at once; the others queue. */
  uploadSlots: number
  /** Downloads running at once; the others queue. */
  maxActiveDownloads: number
}

/** A limit out of range, with the field at fault (the HTTP API answers 400 with it). */
export class InvalidLimitError extends InvalidParametersError {
  constructor (readonly field: keyof Limits, message: string) {
    super(`${field}: ${message}`)
  }
}

const RATES = ['maxUploadBytesPerSecond', 'maxUploadBytesPerSecondPerPeer', 'maxDownloadBytesPerSecond'] as const
const COUNTS = ['uploadSlots', 'maxActiveDownloads'] as const

/** The changes asked for, checked: rates positive (or null to lift them), counts whole and at least 1. */
export function checkLimits (changes: Partial<Limits>): Partial<Limits> {
  const known = new Set<string>([...RATES, ...COUNTS])
  for (const field of Object.keys(changes)) {
    if (!known.has(field)) throw new InvalidParametersError(`unknown limit "${field}"`)
  }
  for (const field of RATES) {
    const value = changes[field]
    if (value !== undefined && value !== null && !(Number.isFinite(value) && value > 0)) throw new InvalidLimitError(field, 'must be a positive number of bytes per second, or null for no limit')
  }
  for (const field of COUNTS) {
    const value = changes[field]
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new InvalidLimitError(field, 'must be a whole number of at least 1')
  }
  return changes
}
