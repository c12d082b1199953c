// Requests to the node's API. The page authenticates with its session cookie (traded for the token
// once, session.ts); an answer other than 2xx becomes an ApiError carrying the server's message,
// which the page shows as it is.
export class ApiError extends Error {
  override name = 'ApiError'
  constructor (readonly status: number, message: string, readonly field?: string) {
    super(message)
  }
}

async function request<T> (method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { ...init.headers, 'content-type': 'application/json' }
  }
  const res = await fetch(`/api/v1${path}`, init)
  const text = await res.text()
  let parsed: any
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!res.ok) {
    const message = typeof parsed?.error === 'string' ? parsed.error : `${res.status} ${res.statusText}`
    throw new ApiError(res.status, message, typeof parsed?.field === 'string' ? parsed.field : undefined)
  }
  return parsed as T
}

export const api = {
  get: async <T>(path: string): Promise<T> => await request<T>('GET', path),
  post: async <T>(path: string, body: unknown = {}): Promise<T> => await request<T>('POST', path, body),
  patch: async <T>(path: string, body: unknown): Promise<T> => await request<T>('PATCH', path, body),
  delete: async <T>(path: string): Promise<T> => await request<T>('DELETE', path)
}

/** A path segment from a value (IDs are checked by the server; this only keeps the URL whole). */
export const seg = (value: string): string => encodeURIComponent(value)

/** What an error says to a person. */
export function messageOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
