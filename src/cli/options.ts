// Parsers and checks for command-line options, shared by the commands: a bad value fails at parse
// time with commander's one-line "error: option ... argument ... is invalid" and the command's help.
import { isIP } from 'node:net'
import { InvalidArgumentError } from 'commander'
import { HTTP_DEFAULTS } from '../http/index.js'
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

export interface HttpAddress { host: string, port: number }

/** `--http [HOST:]PORT`: `8080`, `0.0.0.0:8080`, `[::1]:0`; the host defaults to loopback. */
export function httpAddress (value: string): HttpAddress {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(value.trim())
  const port = Number(m?.[2])
  if (m == null || port > 65535) throw new InvalidArgumentError('expected [HOST:]PORT, e.g. 8080 or 0.0.0.0:8080 (port 0 picks a free one)')
  const host = m[1]?.replace(/^\[(.*)\]$/, '$1') ?? HTTP_DEFAULTS.DEFAULT_HOST
  if (m[1]?.startsWith('[') === true && isIP(host) !== 6) throw new InvalidArgumentError(`not an IPv6 address: ${m[1]}`)
  return { host, port }
}
