// A download as the API and the event streams show it: the list's summary as it is, and the detail
// with its chunk map packed (one byte a chunk, base64) rather than as a JSON object of numbers.
import { FROM_DISK, OTHER_PROVIDERS, type DownloadDetail } from '../../peer/index.js'

export function detailView (detail: DownloadDetail): Record<string, unknown> {
  const { chunkMap, ...info } = detail
  const { owners, providers } = chunkMap
  return {
    ...info,
    chunkMap: {
      /** `owners` byte n names `providers[n - 1]`; 0: not yet; these two: from disk, and every provider past the 253rd. */
      providers,
      owners: Buffer.from(owners.buffer, owners.byteOffset, owners.byteLength).toString('base64'),
      fromDisk: FROM_DISK,
      others: OTHER_PROVIDERS
    }
  }
}
