import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'
import { ApiError, toApiError } from './problem'

export type Schemas = components['schemas']
export type Role = Schemas['Role']

/** Where the token comes from and what happens when the gateway no longer accepts it; set by
 * the auth store so the client does not import the store (and tests can run without one). */
export const session: {
  token: () => string | null
  onUnauthorized: () => void
} = { token: () => null, onUnauthorized: () => {} }

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token()
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`)
    }
    return request
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('Authorization')) session.onUnauthorized()
    return response
  },
}

/** The typed client of the gateway's API: paths, parameters and bodies checked by the types
 * generated from the merged OpenAPI document (`npm run gen:api`). */
export const api = createClient<paths>({ baseUrl: window.location.origin })
api.use(auth)

interface Result<T> {
  data?: T
  error?: unknown
  response: Response
}

/** The data of a successful call, or an ApiError carrying the problem+json body. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  let result: Result<T>
  try {
    result = await request
  } catch {
    throw toApiError(0, undefined)
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error)
  return result.data as T
}

/** A binary download (PDF, image) through the same authentication as the typed calls. */
export async function download(path: string): Promise<Blob> {
  const headers: Record<string, string> = {}
  const token = session.token()
  if (token) headers.Authorization = `Bearer ${token}`
  let response: Response
  try {
    response = await fetch(path, { headers })
  } catch {
    throw toApiError(0, undefined)
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined)
    throw toApiError(response.status, body)
  }
  return response.blob()
}

/** Saves a blob under a file name (the browser's download). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export { ApiError }
