// Parsers and checks for command-line options, shared by the commands: a bad value fails at parse
// time with commander's one-line "error: option ... argument ... is invalid" and the command's help.
import { InvalidArgumentError } from 'commander'
import { parseRate } from '../limits/token-bucket.js'
import { UNLIMITED } from '../peer/index.js'

/** A repeatable option: every occurrence is kept, in order. */
export function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/**
 * A rate such as `2MiB/s`, in bytes per second; `unlimited` is Infinity (commander keeps no
 * undefined), so a flag can lift a config file's limit: see `limit`.
 */
export function rate (value: string): number {
  if (value.trim().toLowerCase() === UNLIMITED) return Infinity
  try {
    return parseRate(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

/** A parsed rate as a service limit: none when unlimited. */
export function limit (bytesPerSecond: number | undefined): number | undefined {
  return bytesPerSecond === Infinity ? undefined : bytesPerSecond
}

export function nonNegativeInt (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number')
  return n
}

export function positiveInt (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number')
  return n
}

/** Commands that find books need somewhere to look: an index, or the DHT through a bootstrap peer. */
export function requireIndexOrBootstrap (opts: { index?: string[], bootstrap?: string[] }): void {
  if ((opts.index ?? []).length === 0 && (opts.bootstrap ?? []).length === 0) {
    throw new InvalidArgumentError('give --index (or, with --dht, --bootstrap)')
  }
}
