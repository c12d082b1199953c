// Work handed out as it arrives, a bounded number of jobs at a time: the shelf hashes books while
// the walk is still finding them.

export interface WorkPool<T> {
  push: (item: T) => void
  /** Waits for every job pushed (rejects with the first error, after all have ended). */
  end: () => Promise<void>
}

/** Runs `job` on every item pushed, `limit` at a time; `end()` waits for all (and rethrows the first error). */
export function workPool<T> (limit: number, job: (item: T) => Promise<void>): WorkPool<T> {
  const items: T[] = []
  let next = 0
  let running = 0
  let ended = false
  let failure: unknown
  let settle!: { resolve: () => void, reject: (err: unknown) => void }
  const done = new Promise<void>((resolve, reject) => { settle = { resolve, reject } })
  const pump = (): void => {
    while (running < limit && next < items.length) {
      const item = items[next++]
      running++
      job(item).catch((err) => { failure ??= err }).finally(() => { running--; pump() })
    }
    // all handed out: let go of them (a walk may push 100,000)
    if (next === items.length) { items.length = 0; next = 0 }
    if (ended && running === 0 && next === items.length) {
      if (failure != null) settle.reject(failure); else settle.resolve()
    }
  }
  return {
    push: (item) => { items.push(item); pump() },
    end: async () => { ended = true; pump(); await done }
  }
}
