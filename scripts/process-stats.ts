// What Linux's /proc says about a running process: the long runs (bench, soak) watch the index with it.
import { readFileSync, readdirSync } from 'node:fs'

/** Resident memory, in MiB. */
export function rssMiB (pid: number): number {
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024)
}

/** Open file descriptors. */
export function openFds (pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length
}

/** CPU time (user + system) used so far, in ms (clock ticks of 10 ms). */
export function cpuMs (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}
