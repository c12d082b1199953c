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

/**
 * Samples the resident memory of `pids` every `intervalMs` until stopped; `stop()` gives each
 * process's highest sample in MiB (0 for one that had already exited).
 */
export function sampleRssPeaks (pids: number[], intervalMs = 20): { stop: () => number[] } {
  const peaks = pids.map(() => 0)
  const sample = (): void => {
    pids.forEach((pid, i) => {
      try { peaks[i] = Math.max(peaks[i], rssMiB(pid)) } catch { /* exited */ }
    })
  }
  sample()
  const timer = setInterval(sample, intervalMs)
  return { stop: () => { clearInterval(timer); sample(); return peaks } }
}
