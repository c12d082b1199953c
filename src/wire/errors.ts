// A reply whose status is an error, carried to callers as a typed exception.
import { Status } from './messages.js'

export class ArkshareRemoteError extends Error {
  override name = 'ArkshareRemoteError'
  constructor (readonly status: Status, message: string, readonly retryAfterSeconds = 0) {
    super(message === '' ? String(status) : `${String(status)}: ${message}`)
  }
}

/** Thrown by handlers to make the shared request loop send this status and close the stream. */
export class RequestError extends Error {
  override name = 'RequestError'
  constructor (readonly status: Status, message: string, readonly retryAfterSeconds = 0) {
    super(message)
  }
}

export function isErrorStatus (status: Status): boolean {
  return status !== Status.OK && status !== Status.QUEUED
}

/** close() and event waits can reject with an Event whose .error is the real Error. */
export function normaliseError (err: unknown): Error {
  const inner = (err as { error?: unknown } | undefined)?.error ?? err
  return inner instanceof Error ? inner : new Error(String(inner))
}

export { Status }
