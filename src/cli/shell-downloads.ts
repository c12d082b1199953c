// The shell's download commands, over the peer's download list: `get` queues a book and returns at
// once (the node reports when it is saved), `downloads` shows the list, and the others act on one
// download, named by its ID or its number in that list.
import { printDownloads } from './render.js'
import type { Output } from './output.js'
import type { Arkshare, DownloadInfo } from '../peer/index.js'

export const DOWNLOAD_HELP = `  get <id | link | #>  queue a book by ID, book link, or number in the last search (a finished one is fetched again)
  downloads          the download list: state, progress, rate, time left
  pause <# | id>     stop a download, keeping what it has (resume carries on)
  resume <# | id>    carry on with a paused download
  cancel <# | id>    stop a download for good; its partial file is removed
  retry <# | id>     queue a failed or cancelled download again
  clear              take finished downloads (done, failed, cancelled) off the list`

const ACTIONS = {
  pause: (a: Arkshare, id: string) => a.downloads.pause(id),
  resume: (a: Arkshare, id: string) => a.downloads.resume(id),
  cancel: (a: Arkshare, id: string) => a.downloads.cancel(id),
  retry: (a: Arkshare, id: string) => a.downloads.retry(id)
}

function isAction (command: string): command is keyof typeof ACTIONS {
  return Object.hasOwn(ACTIONS, command)
}

function describe (d: DownloadInfo): string {
  const name = d.fileName !== '' ? d.fileName : d.title !== '' ? d.title : d.id
  return `${name}: ${d.state}`
}

/** A download named by its number in the `downloads` list, or by ID (or link). */
function downloadId (arkshare: Arkshare, arg: string): string {
  if (!/^\d+$/.test(arg)) return arg
  const found = arkshare.downloads.list()[Number(arg) - 1]
  if (found == null) throw new Error(`no download #${arg} (see: downloads)`)
  return found.id
}

/** Runs a download command; false when `command` is not one. `bookId` resolves a search result number. */
export function runDownloadCommand (arkshare: Arkshare, output: Output, command: string, args: string, bookId: (arg: string) => string): boolean {
  if (command === 'get') {
    if (args === '') throw new Error('usage: get <id | link | #>')
    const d = arkshare.downloads.add(bookId(args), { restart: true })
    output.emit({ event: 'queued', id: d.id, state: d.state }, () => `${describe(d)} (see: downloads)`)
  } else if (command === 'downloads') {
    printDownloads(output, arkshare.downloads.list())
  } else if (command === 'clear') {
    const n = arkshare.downloads.clear()
    output.emit({ event: 'cleared', downloads: n }, () => `${n} finished download(s) cleared.`)
  } else if (isAction(command)) {
    if (args === '') throw new Error(`usage: ${command} <# | id>`)
    const d = ACTIONS[command](arkshare, downloadId(arkshare, args))
    output.emit({ event: 'download', ...d }, () => describe(d))
  } else {
    return false
  }
  return true
}
