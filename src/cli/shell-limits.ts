// The shell's `limits`: shows the peer's limits, or changes them while it runs, named as the
// command line's options and the config file's lines (`limits max-upload=2MiB/s upload-slots=8`).
// The node saves the new values in its config file.
import { InvalidArgumentError } from 'commander'
import { formatRate, LIMIT_SETTINGS, type Arkshare, type Limits } from '../peer/index.js'
import { limit, positiveInt, rate } from './options.js'
import type { Output } from './output.js'

export const LIMITS_HELP = `  limits [name=value]...  show the limits, or change them now: max-upload, max-upload-per-peer,
                     max-download (a rate such as 2MiB/s, or unlimited), upload-slots, max-active-downloads`

const COUNTS = new Set<keyof Limits>(['uploadSlots', 'maxActiveDownloads'])
const FIELDS = new Map(Object.entries(LIMIT_SETTINGS).map(([field, name]) => [name, field as keyof Limits]))

function show (output: Output, limits: Limits): void {
  output.emit({ event: 'limits', ...limits }, () => Object.entries(LIMIT_SETTINGS).map(([field, name]) => {
    const value = limits[field as keyof Limits]
    return `${name} = ${COUNTS.has(field as keyof Limits) ? String(value) : formatRate(value)}`
  }).join('\n'))
}

/** `name=value` words as limit changes; throws with the word at fault. */
function parseChanges (words: string[]): Partial<Limits> {
  const changes: Partial<Limits> = {}
  for (const word of words) {
    const [name, value] = word.split('=', 2)
    const field = FIELDS.get(name)
    if (field == null || value == null || value === '') throw new Error(`expected name=value with a name of: ${[...FIELDS.keys()].join(', ')}`)
    try {
      if (COUNTS.has(field)) (changes as Record<string, number>)[field] = positiveInt(value)
      else (changes as Record<string, number | null>)[field] = limit(rate(value)) ?? null
    } catch (err) {
      throw new Error(`${name}: ${err instanceof InvalidArgumentError ? err.message : String(err)}`)
    }
  }
  return changes
}

export async function runLimitsCommand (arkshare: Arkshare, output: Output, args: string): Promise<void> {
  const words = args.split(/\s+/).filter(w => w !== '')
  show(output, words.length === 0 ? arkshare.limits() : await arkshare.setLimits(parseChanges(words)))
}
