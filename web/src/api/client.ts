import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'
import { ApiError, toApiError } from './problem'

export type Schemas = components['schemas']
export type Role = Schemas['Role']

/** Where the token comes from and what happens when the gateway no longer accepts it; set by
 * the auth store so the client does not import the store (and tests can run without one). */
export const session: {
  token: () => string | null
  /** The access token expires within moments: refresh before sending it. */
  stale: () => boolean
  /** A new access token bought with the refresh token (rotated on each use), or null when the
   * session has ended. Throws on network failure: that is no reason to sign out. */
  refresh: () => Promise<string | null>
  onUnauthorized: () => void
} = {
  token: () => null,
  stale: () => false,
  refresh: () => Promise.resolve(null),
  onUnauthorized: () => {},
}

/** The gateway's sign-in calls: sent without the token, and their 401s are answers, not an
 * ended session. */
const PUBLIC_PATHS = new Set([
  '/api/v1/gateway/sessions',
  '/api/v1/gateway/sessions/refresh',
  '/api/v1/gateway/accounts',
  '/api/v1/gateway/sms-codes',
  '/api/v1/gateway/password-resets',
  '/api/v1/gateway/phone-proofs',
])

/** The token for a call: refreshed first when it is about to expire. */
async function currentToken(): Promise<string | null> {
  const token = session.token()
  if (token && session.stale()) return session.refresh()
  return token
}

/** After a 401: one refresh and one retry with the new token; signed out when that fails. */
async function retryAfterRefresh(request: Request, response: Response): Promise<Response> {
  const token = await session.refresh()
  if (!token) {
    session.onUnauthorized()
    return response
  }
  request.headers.set('Authorization', `Bearer ${token}`)
  const again = await fetch(request)
  if (again.status === 401) session.onUnauthorized()
  return again
}

// A copy of each authenticated request, taken before its body is read, for the retry.
const spares = new WeakMap<Request, Request>()

const auth: Middleware = {
  async onRequest({ request, schemaPath }) {
    if (request.headers.has('Authorization') || PUBLIC_PATHS.has(schemaPath)) return request
    const token = await currentToken()
    if (token) {
      request.headers.set('Authorization', `Bearer ${token}`)
      spares.set(request, request.clone())
    }
    return request
  },
  async onResponse({ request, response }) {
    if (response.status !== 401) return response
    const spare = spares.get(request)
    if (spare) return retryAfterRefresh(spare, response)
    if (request.headers.has('Authorization')) session.onUnauthorized()
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
  let response: Response
  try {
    const token = await currentToken()
    const request = new Request(path, token ? { headers: { Authorization: `Bearer ${token}` } } : {})
    response = await fetch(request.clone())
    if (response.status === 401 && token) response = await retryAfterRefresh(request, response)
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
