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
}

function load(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    if (!raw) return null
    const stored = JSON.parse(raw) as Stored
    return stored.expiresAt > Date.now() ? stored : null
  } catch {
    return null
  }
}

/** Who is signed in: the gateway's short-lived token, the role and the organisation it acts for.
 * Kept in localStorage so a reload keeps the session until the token expires. */
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
    const base: Stored = {
      token: tokens.access_token,
      role: tokens.role,
      accountId: tokens.account_id,
      name: '',
      orgId: null,
      expiresAt: Date.now() + tokens.expires_in * 1000,
    }
    save(base)
    const me = await call(api.GET('/api/v1/gateway/me'))
    save({ ...base, name: me.name ?? '', orgId: me.org_id ?? null })
  }

  /** 登录 with a password, or (phones only) an SMS code sent for purpose `login`. */
  async function login(login: string, secret: { password: string } | { code: string }) {
    const tokens = await call(api.POST('/api/v1/gateway/sessions', { body: { login, ...secret } }))
    await adopt(tokens)
  }

  /** 考生注册: the gateway signs the new candidate in. */
  async function register(body: { phone: string; code: string; password: string; name: string }) {
    const tokens = await call(api.POST('/api/v1/gateway/accounts', { body }))
    await adopt(tokens)
  }

  function logout() {
    save(null)
  }

  function hasRole(...roles: Role[]) {
    return role.value !== null && roles.includes(role.value)
  }

  return { token, role, name, orgId, accountId, isAuthenticated, login, register, logout, hasRole }
})

/** Wires the API client to the store: its token on every call, signed out on a 401. */
export function connectSession(store: ReturnType<typeof useAuthStore>, onExpired: () => void) {
  session.token = () => store.token
  session.onUnauthorized = () => {
    store.logout()
    onExpired()
  }
}
