// Scenario 1 of the transfer benchmark: one provider, one big book, `arkshare get` against two bare
// libp2p streams of the same bytes, in interleaved rounds so each ratio compares runs made moments
// apart. get's time is its whole process minus a tiny get's (start, index lookup, dial, manifest:
// the median of the tiny gets run between rounds);
// a bare stream's runs from its dial to its fsync. Peak RSS of the sender and the receiver is
// sampled from /proc during each transfer.
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { rssMiB, sampleRssPeaks } from '../scripts/process-stats.js'
import { median, mibps, ratioSummary, runToEnd, startBareFetch, startBareServer, type BareFlavour } from './transfer-figures.js'
import type { CliProcess } from '../scripts/cli-process.js'

export interface SingleProviderSetup {
  dir: string
  bookPath: string
  bookId: string
  bytes: number
  tinyId: string
  provider: CliProcess
  get: (id: string, out: string) => CliProcess
  pairs: number
}

interface Memory { idle: number, peak: number }

const FLAVOURS: BareFlavour[] = ['defaults', 'arkshare']

/** Highest peak, lowest idle and the largest rise of any round, in MiB. */
function memorySummary (rounds: Memory[]): { idleMiB: number, peakMiB: number, aboveIdleMiB: number } {
  return {
    idleMiB: Math.min(...rounds.map(m => m.idle)),
    peakMiB: Math.max(...rounds.map(m => m.peak)),
    aboveIdleMiB: Math.max(...rounds.map(m => m.peak - m.idle))
  }
}

export async function singleProvider (s: SingleProviderSetup): Promise<Record<string, unknown>> {
  const servers = new Map<BareFlavour, Awaited<ReturnType<typeof startBareServer>>>()
  for (const f of FLAVOURS) servers.set(f, await startBareServer(s.bookPath, f))
  const bareMs = new Map<BareFlavour, number[]>(FLAVOURS.map(f => [f, []]))
  const bareRss = new Map<BareFlavour, Memory[][]>(FLAVOURS.map(f => [f, []]))
  const arkWallMs: number[] = []
  const tinyMs: number[] = []
  const arkTransferMs: number[] = []
  const sender: Memory[] = []
  const receiver: Memory[] = []

  const bare = async (flavour: BareFlavour, r: number): Promise<void> => {
    const server = servers.get(flavour)!
    const out = join(s.dir, `bare-${flavour}-${r}.bin`)
    const idle = rssMiB(server.child.pid!)
    const fetch = startBareFetch(server.addr, out, flavour)
    const sampler = sampleRssPeaks([server.child.pid!, fetch.child.pid!])
    const { bytes, ms } = await fetch.done
    const [serverPeak, fetchPeak] = sampler.stop()
    if (bytes !== s.bytes || (await stat(out)).size !== s.bytes) throw new Error(`the ${flavour} bare stream moved the wrong number of bytes`)
    await rm(out)
    bareMs.get(flavour)!.push(ms)
    bareRss.get(flavour)!.push([{ idle, peak: serverPeak }, { idle: 0, peak: fetchPeak }])
  }

  const arkshare = async (r: number): Promise<void> => {
    const tinyOut = join(s.dir, `tiny-${r}`)
    const tinyGet = s.get(s.tinyId, tinyOut)
    const tinySampler = sampleRssPeaks([tinyGet.child.pid!])
    const tiny = await runToEnd(tinyGet)
    const [tinyPeak] = tinySampler.stop()
    const out = join(s.dir, `ark-${r}`)
    const idle = rssMiB(s.provider.child.pid!)
    const get = s.get(s.bookId, out)
    const sampler = sampleRssPeaks([s.provider.child.pid!, get.child.pid!])
    const big = await runToEnd(get)
    const [providerPeak, getPeak] = sampler.stop()
    if (big.done.bytes !== s.bytes) throw new Error('arkshare moved the wrong number of bytes')
    await rm(out, { recursive: true })
    await rm(tinyOut, { recursive: true })
    arkWallMs.push(big.ms)
    tinyMs.push(tiny.ms)
    arkTransferMs.push(big.transferMs)
    sender.push({ idle, peak: providerPeak })
    receiver.push({ idle: tinyPeak, peak: getPeak })
  }

  try {
    for (let r = 0; r < s.pairs; r++) {
      process.stderr.write(`   round ${r + 1}/${s.pairs}\n`)
      // alternate the order, so neither side always runs on a machine just warmed up by the other
      if (r % 2 === 0) { for (const f of FLAVOURS) await bare(f, r); await arkshare(r) } else { await arkshare(r); for (const f of [...FLAVOURS].reverse()) await bare(f, r) }
    }
  } finally {
    for (const server of servers.values()) server.child.kill('SIGTERM')
  }

  // the tiny gets' median: one slow start (the machine is shared) would otherwise skew its pair
  const arkMs = arkWallMs.map(ms => ms - median(tinyMs))
  const speed = (ms: number[]): number => mibps(s.bytes, median(ms))
  const vs = (flavour: BareFlavour): ReturnType<typeof ratioSummary> => ratioSummary(arkMs.map((ms, i) => bareMs.get(flavour)![i] / ms))
  const bareMemory = (flavour: BareFlavour): Record<string, number> => {
    const rounds = bareRss.get(flavour)!
    return { senderAboveIdleMiB: Math.max(...rounds.map(([m]) => m.peak - m.idle)), receiverPeakMiB: Math.max(...rounds.map(([, m]) => m.peak)) }
  }
  return {
    bytes: s.bytes,
    pairs: s.pairs,
    arkshareMiBps: speed(arkMs),
    arkshareMiBpsByPair: arkMs.map(ms => mibps(s.bytes, ms)),
    arkshareFirstProgressToDoneMiBps: speed(arkTransferMs),
    bareDefaultsMiBps: speed(bareMs.get('defaults')!),
    bareArkshareSettingsMiBps: speed(bareMs.get('arkshare')!),
    vsBareDefaults: vs('defaults'),
    vsBareArkshareSettings: vs('arkshare'),
    rss: { sender: memorySummary(sender), receiver: memorySummary(receiver) },
    bareRss: { defaults: bareMemory('defaults'), arkshareSettings: bareMemory('arkshare') },
    note: 'ratio = bare time / arkshare time per pair (> 1: arkshare faster); arkshare = get wall time minus the median of the run\'s tiny gets; bare = dial to fsync; medians over pairs; receiver idle = a tiny get\'s peak'
  }
}
