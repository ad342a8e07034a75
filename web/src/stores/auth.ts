import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, call, session, type Role, type Schemas } from '@/api/client'

const STORAGE_KEY = 'skillcert.auth'

interface Stored {
  token: string
  role: Role
  accountId: string
  name: string
  orgId: string | null
  expiresAt: number
  refreshExpiresAt: number
}

// Refresh this long before the access token expires, so calls rarely meet a 401.
const REFRESH_MARGIN_MS = 30_000
const REFRESH_PATH = '/api/v1/gateway/sessions/refresh'
/** Asks the gateway to keep the refresh token in its HttpOnly cookie: never in reach of scripts. */
const COOKIE_MODE = { 'X-Refresh-Cookie': '1' } as const

// A refresh token an older version of the app left in localStorage: moved once into the cookie
// (sent in the body of the first renewal), and removed from storage at once.
let legacyRefreshToken: string | null = null

function load(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    if (!raw) return null
    const { refreshToken, ...stored } = JSON.parse(raw) as Stored & { refreshToken?: string }
    if (refreshToken) {
      legacyRefreshToken = refreshToken
      localStorage.setItem(STORAGE_KEY, JSON.stringify(stored))
    }
    const now = Date.now()
    return stored.refreshExpiresAt > now || stored.expiresAt > now ? stored : null
  } catch {
    return null
  }
}

/** Who is signed in: the gateway's short-lived access token, the role and the organisation it
 * acts for, kept in localStorage so a reload (and other tabs) keep the session. The refresh
 * token is the gateway's HttpOnly cookie: this code never sees it. The access token is renewed
 * before it expires, and each refresh token works once (the gateway ends the session when one
 * is used twice), so renewals are serialised within the tab and, with the Web Locks API,
 * across tabs. */
export const useAuthStore = defineStore('auth', () => {
  const state = ref<Stored | null>(load())

  const token = computed(() => state.value?.token ?? null)
  const role = computed<Role | null>(() => state.value?.role ?? null)
  const name = computed(() => state.value?.name ?? '')
  const orgId = computed(() => state.value?.orgId ?? null)
  const accountId = computed(() => state.value?.accountId ?? null)
  const isAuthenticated = computed(() => state.value !== null)

  function save(next: Stored | null) {
    state.value = next
    if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next))
    else localStorage.removeItem(STORAGE_KEY)
  }

  async function adopt(tokens: Schemas['TokenOut']) {
    const now = Date.now()
    const base: Stored = {
      token: tokens.access_token,
      role: tokens.role,
      accountId: tokens.account_id,
      name: '',
      orgId: null,
      expiresAt: now + tokens.expires_in * 1000,
      refreshExpiresAt: now + tokens.refresh_expires_in * 1000,
    }
    save(base)
    const me = await call(api.GET('/api/v1/gateway/me'))
    save({ ...base, name: me.name ?? '', orgId: me.org_id ?? null })
  }

  function stale() {
    return state.value !== null && state.value.expiresAt - Date.now() < REFRESH_MARGIN_MS
  }

  async function renew(): Promise<string | null> {
    // Another tab may have renewed meanwhile (one storage for all tabs): its tokens are ours.
    const latest = load()
    const mine = state.value
    if (!mine || !latest || latest.accountId !== mine.accountId) return null
    if (latest.token !== mine.token) {
      state.value = latest
      if (latest.expiresAt - Date.now() > REFRESH_MARGIN_MS) return latest.token
    }
    // Same-origin: the browser sends the cookie (and an Origin the gateway checks).
    const response = await fetch(REFRESH_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', ...COOKIE_MODE },
      body: JSON.stringify(legacyRefreshToken ? { refresh_token: legacyRefreshToken } : {}),
    })
    legacyRefreshToken = null
    if (!response.ok) return null
    const tokens = (await response.json()) as Schemas['TokenOut']
    const now = Date.now()
    save({
      ...(state.value as Stored),
      token: tokens.access_token,
      expiresAt: now + tokens.expires_in * 1000,
      refreshExpiresAt: now + tokens.refresh_expires_in * 1000,
    })
    return tokens.access_token
  }

  let renewing: Promise<string | null> | null = null

  /** A new access token (null: the session has ended); one renewal at a time. */
  function refresh(): Promise<string | null> {
    if (!renewing) {
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
      // The lock's callback returns a promise; the lock is held until it settles.
      const run: Promise<string | null> = locks
        ? (locks.request('skillcert.auth.refresh', renew) as unknown as Promise<string | null>)
        : renew()
      renewing = run.finally(() => {
        renewing = null
      })
    }
    return renewing
  }

  /** 登录 with a password, or (phones only) an SMS code sent for purpose `login`. */
  async function login(login: string, secret: { password: string } | { code: string }) {
    const tokens = await call(
      api.POST('/api/v1/gateway/sessions', { body: { login, ...secret }, headers: COOKIE_MODE }),
    )
    await adopt(tokens)
  }

  /** 考生注册: the gateway signs the new candidate in. */
  async function register(body: { phone: string; code: string; password: string; name: string }) {
    const tokens = await call(api.POST('/api/v1/gateway/accounts', { body, headers: COOKIE_MODE }))
    await adopt(tokens)
  }

  /** Forget the session in this browser only (the gateway already refused it). */
  function forget() {
    save(null)
  }

  /** 退出: the gateway revokes the account's refresh tokens and clears the cookie, then this
   * browser forgets. */
  async function logout() {
    const token = stale() ? await refresh().catch(() => null) : (state.value?.token ?? null)
    save(null)
    if (!token) return
    await fetch('/api/v1/gateway/logout', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    }).catch(() => undefined)
  }

  function hasRole(...roles: Role[]) {
    return role.value !== null && roles.includes(role.value)
  }

  return {
    token,
    role,
    name,
    orgId,
    accountId,
    isAuthenticated,
    login,
    register,
    logout,
    forget,
    stale,
    refresh,
    hasRole,
  }
})

/** Wires the API client to the store: its token on every call, renewed when it is about to
 * expire or refused, signed out when the session has ended. */
export function connectSession(store: ReturnType<typeof useAuthStore>, onExpired: () => void) {
  session.token = () => store.token
  session.stale = () => store.stale()
  session.refresh = () => store.refresh()
  session.onUnauthorized = () => {
    store.forget()
    onExpired()
  }
}
