// A signal that aborts after `ms`, or with any of `signals`. Node's AbortSignal.timeout holds its
// signal only weakly (a forgotten one may be collected), and AbortSignal.any holds its sources
// weakly too: a timeout put inside any() can be collected before it fires, and the wait it was to
// bound then never ends (nodejs/node#57736; here a download sat a minute on a stalled provider
// whose 1 s stall timeout never came, under load). This timer holds its controller, so it fires.
/** The reason a timed-out wait is aborted with, as AbortSignal.timeout's. */
export function timeoutError (): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError')
}

export function deadline (ms: number, ...signals: Array<AbortSignal | undefined>): AbortSignal {
  const controller = new AbortController()
  const timer = setTimeout(() => { controller.abort(timeoutError()) }, ms)
  // the wait it bounds keeps the process alive, not the deadline
  timer.unref()
  const others = signals.filter((s): s is AbortSignal => s != null)
  return others.length === 0 ? controller.signal : AbortSignal.any([controller.signal, ...others])
}
