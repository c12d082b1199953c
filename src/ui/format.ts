// How numbers read on the page, and how a rate typed by a person reads as a number (the CLI's
// grammar: `2MiB/s`, `500k`, `unlimited`). No DOM here, so the tests run it under Node.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function bytes (n: number): string {
  let value = n
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

export function rate (bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond == null ? 'unlimited' : `${bytes(Math.round(bytesPerSecond))}/s`
}

export function duration (seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '–'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  const h = Math.floor(s / 3600)
  return h < 48 ? `${h} h ${Math.floor((s % 3600) / 60)} min` : `${Math.floor(h / 24)} d`
}

export function percent (done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0
}

export function count (n: number): string {
  return n.toLocaleString('en')
}

export function latency (ms: number | null | undefined): string {
  return ms == null ? '–' : `${Math.round(ms)} ms`
}

/** A peer ID shortened for a table cell (the whole one is in the cell's title). */
export function shortId (id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id
}

const RATE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3 }

/**
 * A rate as a person types it: `2MiB/s`, `500 KiB`, `1048576`; empty or `unlimited` is no limit
 * (null). Returns undefined for text that is not a rate; the node checks the value itself.
 */
export function parseRate (text: string): number | null | undefined {
  const t = text.trim().toLowerCase()
  if (t === '' || t === 'unlimited' || t === 'none') return null
  const m = /^(-?\d+(?:\.\d+)?)\s*([a-z]*?)(?:\/s)?$/.exec(t)
  const factor = m != null ? RATE_UNITS[m[2]] : undefined
  if (m == null || factor == null) return undefined
  return Math.round(Number(m[1]) * factor)
}

/** A limit as the form shows it again: the largest whole unit. */
export function rateText (bytesPerSecond: number | null): string {
  if (bytesPerSecond == null) return ''
  for (const [unit, factor] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytesPerSecond % factor === 0) return `${bytesPerSecond / factor}${unit}/s`
  }
  return String(bytesPerSecond)
}

/** What text typed into the search box is: a book link, a bare book ID, or words to search for. */
export function searchInput (text: string): { kind: 'link', id: string, link: string } | { kind: 'id', id: string } | { kind: 'words' } {
  const t = text.trim().replace(/^<(.*)>$/, '$1').trim()
  const link = /^arkshare:(?:\/\/)?(b[a-z2-7]+)\/?(?:[?#]|$)/i.exec(t)
  if (link != null) return { kind: 'link', id: link[1].toLowerCase(), link: t }
  if (/^b[a-z2-7]{40,}$/.test(t)) return { kind: 'id', id: t }
  return { kind: 'words' }
}
