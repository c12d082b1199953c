// Two groups of CPU profiles side by side (e.g. the search workers of the index's rounds against
// those of the empty index's): each function's self time in each group, in milliseconds, the
// functions whose difference is largest first.
//   node dist/bench/profile-compare.js A1.cpuprofile,A2.cpuprofile B1.cpuprofile,B2.cpuprofile [TOP]
import { readFileSync } from 'node:fs'

interface CpuProfile {
  nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number } }>
  samples: number[]
  timeDeltas: number[]
}

const [groupA, groupB, top = '40'] = process.argv.slice(2)
if (groupA == null || groupB == null) {
  process.stderr.write('usage: node dist/bench/profile-compare.js A.cpuprofile[,...] B.cpuprofile[,...] [TOP]\n')
  process.exit(2)
}

/** Self time (ms) by function over the profiles of one group. */
function selfTimes (files: string[]): Map<string, number> {
  const times = new Map<string, number>()
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
    const byId = new Map(profile.nodes.map(n => [n.id, n.callFrame]))
    for (let i = 0; i < profile.samples.length; i++) {
      const frame = byId.get(profile.samples[i])
      if (frame == null) continue
      const where = `${frame.functionName === '' ? '(anonymous)' : frame.functionName} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`
      times.set(where, (times.get(where) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000)
    }
  }
  return times
}

const [a, b] = [selfTimes(groupA.split(',')), selfTimes(groupB.split(','))]
const total = (m: Map<string, number>): number => [...m.values()].reduce((n, v) => n + v, 0)
const rows = [...new Set([...a.keys(), ...b.keys()])].map(k => [k, a.get(k) ?? 0, b.get(k) ?? 0] as const)
rows.sort((x, y) => Math.abs(y[1] - y[2]) - Math.abs(x[1] - x[2]))
const ms = (n: number): string => n.toFixed(0).padStart(8)
process.stdout.write(`${'A ms'.padStart(8)}${'B ms'.padStart(8)}${'A-B'.padStart(8)}  function\n${ms(total(a))}${ms(total(b))}${ms(total(a) - total(b))}  (all samples)\n`)
for (const [where, x, y] of rows.slice(0, Number(top))) process.stdout.write(`${ms(x)}${ms(y)}${ms(x - y)}  ${where}\n`)
