// What a request can be refused with: a status, one line of message, and the field at fault when a
// value was invalid (a 400 body is `{"error","field"}`, so the page can point at the input).

export class HttpError extends Error {
  constructor (readonly status: number, message: string, readonly field?: string, readonly headers: Record<string, string> = {}) {
    super(message)
    this.name = 'HttpError'
  }
}

/** A value that fails validation: 400 naming the field. */
export function invalid (field: string, message: string): HttpError {
  return new HttpError(400, message, field)
}
