// The limits a running peer may change (the web UI's Limits screen, the shell): upload and download
// rates, upload slots, active downloads. Checked here once, whoever asks, and applied to the parts
// that enforce them.
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

/** What the limits act on: the upload side, the download budget, the download list, the config file. */
export interface LimitTargets {
  upload: {
    readonly uploadLimits: { total?: number, perPeer?: number, slots: number }
    setUploadLimits(limits: { total?: number, perPeer?: number, slots?: number }): void
  }
  download: {
    readonly limits: { total?: number }
    setLimits(limits: { total?: number }): void
  }
  downloads: {
    readonly maxActiveDownloads: number
    setMaxActiveDownloads(n: number): void
  }
  settings?: { saveLimits(changes: Partial<Limits>): Promise<void> }
}

/** Reads the limits in force from the parts that enforce them, and changes them all or none. */
export class LimitControls {
  constructor (private readonly targets: LimitTargets) {}

  current (): Limits {
    const { upload, download, downloads } = this.targets
    const up = upload.uploadLimits
    return {
      maxUploadBytesPerSecond: up.total ?? null,
      maxUploadBytesPerSecondPerPeer: up.perPeer ?? null,
      maxDownloadBytesPerSecond: download.limits.total ?? null,
      uploadSlots: up.slots,
      maxActiveDownloads: downloads.maxActiveDownloads
    }
  }

  /**
   * Checks the changes, saves them to the config file (if any), then applies them, to transfers
   * under way too. A bad value throws InvalidLimitError and a file that cannot be written its
   * error, before anything changes.
   */
  async change (changes: Partial<Limits>): Promise<Limits> {
    const c = checkLimits(changes)
    const { upload, download, downloads, settings } = this.targets
    await settings?.saveLimits(c)
    const rate = (value: number | null | undefined): number | undefined => value ?? undefined
    upload.setUploadLimits({
      ...('maxUploadBytesPerSecond' in c ? { total: rate(c.maxUploadBytesPerSecond) } : {}),
      ...('maxUploadBytesPerSecondPerPeer' in c ? { perPeer: rate(c.maxUploadBytesPerSecondPerPeer) } : {}),
      slots: c.uploadSlots
    })
    if ('maxDownloadBytesPerSecond' in c) download.setLimits({ total: rate(c.maxDownloadBytesPerSecond) })
    if (c.maxActiveDownloads != null) downloads.setMaxActiveDownloads(c.maxActiveDownloads)
    return this.current()
  }
}
