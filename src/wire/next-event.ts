// Waiting for a stream event with a deadline. p-event (what libp2p's own packages use) leaves its
// abort listener on the signal until the signal fires, so a wait on a long-lived signal (a stream's
// lifetime, thousands of drain waits in one download) piles up listeners and what they hold. This
// removes every listener it adds as soon as it settles.

/** Resolves with the first of `events` that `target` dispatches; rejects with the signal's reason. */
export async function nextEvent (target: EventTarget, events: readonly string[], signal?: AbortSignal): Promise<Event> {
  signal?.throwIfAborted()
  return await new Promise<Event>((resolve, reject) => {
    const settle = (): void => {
      for (const type of events) target.removeEventListener(type, onEvent)
      signal?.removeEventListener('abort', onAbort)
    }
    const onEvent = (evt: Event): void => { settle(); resolve(evt) }
    const onAbort = (): void => { settle(); reject(signal?.reason) }
    for (const type of events) target.addEventListener(type, onEvent)
    signal?.addEventListener('abort', onAbort)
  })
}
