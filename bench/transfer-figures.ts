// Small pieces the transfer benchmark's scenarios share: spawning a bare-stream baseline, timing an
// arkshare get, and turning interleaved pairs into a median ratio with its spread.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { cpuMs } from '../scripts/process-stats.js'
import type { CliProcess } from '../scripts/cli-process.js'

export const MiB = 1024 * 1024

const BARE = fileURLToPath(new URL('./bare-stream.js', import.meta.url))

export type BareFlavour = 'arkshare' | 'defaults'

/** A bare-stream server for `path`, with the address it listens on. */
export async function startBareServer (path: string, flavour: BareFlavour): Promise<{ child: ChildProcess, addr: string }> {
  const child = spawn(process.execPath, [BARE, 'serve', path, flavour], { stdio: ['ignore', 'pipe', 'inherit'] })
  const addr = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => { resolve(JSON.parse(d.toString()).multiaddrs[0]) })
    child.once('exit', (code) => { reject(new Error(`bare-stream server exited (${code})`)) })
  })
  return { child, addr }
}

/** Starts a bare-stream fetch; `done` resolves with the bytes and its own dial-to-fsync time. */
export function startBareFetch (addr: string, out: string, flavour: BareFlavour): { child: ChildProcess, done: Promise<{ bytes: number, ms: number }> } {
  const child = spawn(process.execPath, [BARE, 'fetch', addr, out, flavour], { stdio: ['ignore', 'pipe', 'inherit'] })
  let report = ''
  child.stdout.on('data', (d: Buffer) => { report += d.toString() })
  const done = new Promise<{ bytes: number, ms: number }>((resolve, reject) => {
    child.once('exit', (code) => {
      try { resolve(JSON.parse(report)) } catch { reject(new Error(`bare-stream fetch failed (${code})`)) }
    })
  })
  return { child, done }
}

/** The process's CPU time so far in ms, NaN once it has exited. */
function cpuOf (proc: CliProcess): number {
  try { return cpuMs(proc.child.pid!) } catch { return NaN }
}

/**
 * Runs a get to its end. `ms` is the wall time of the process; `transferMs` runs from its first
 * progress event (manifest verified, data about to flow) to its done event; `startMs` up to that
 * first progress event (start, index lookup, pings, dials), `exitMs` from done to the exit.
 * `startCpuMs` and `transferCpuMs` are the CPU time the get used in those two phases (user + system,
 * 10 ms ticks, read from /proc as the events arrive): unlike wall time, other work on the machine
 * hardly moves them.
 */
export async function runToEnd (proc: CliProcess, timeoutMs = 300_000): Promise<{ ms: number, transferMs: number, startMs: number, exitMs: number, startCpuMs: number, transferCpuMs: number, done: Record<string, any> }> {
  const started = performance.now()
  const firstCpu = proc.waitFor(e => e.event === 'progress', timeoutMs).then(() => cpuOf(proc), () => NaN)
  const done = await proc.waitFor(e => e.event === 'done', timeoutMs)
  const doneCpu = cpuOf(proc)
  await proc.exited
  const ended = performance.now()
  const first = proc.events.findIndex(e => e.event === 'progress')
  const last = proc.events.indexOf(done)
  const startCpuMs = await firstCpu
  return { ms: ended - started, transferMs: proc.times[last] - proc.times[first], startMs: proc.times[first] - started, exitMs: ended - proc.times[last], startCpuMs, transferCpuMs: doneCpu - startCpuMs, done }
}

export function mibps (bytes: number, ms: number): number {
  return Math.round((bytes / MiB / (ms / 1000)) * 10) / 10
}

export const round2 = (x: number): number => Math.round(x * 100) / 100

export function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Median and range of per-pair ratios, rounded to two places. */
export function ratioSummary (ratios: number[]): { median: number, min: number, max: number, pairs: number[] } {
  return { median: round2(median(ratios)), min: round2(Math.min(...ratios)), max: round2(Math.max(...ratios)), pairs: ratios.map(round2) }
}
