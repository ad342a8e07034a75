import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router'
import '@/router/meta'
import { menuFor } from '@/router/menu'

const Empty = { template: '<div />' }
const routes: RouteRecordRaw[] = [
  { path: '/', component: Empty, meta: { title: 'public.home', menu: true, order: 0 } },
  { path: '/signup', component: Empty, meta: { title: 'auth.signup', menu: true, guestOnly: true, order: 90 } },
  { path: '/candidate/plans', component: Empty, meta: { title: 'c.plans', menu: true, roles: ['candidate'], order: 10 } },
  { path: '/reviewer/queue', component: Empty, meta: { title: 'r.queue', menu: true, roles: ['reviewer'], order: 10 } },
  { path: '/candidate/hidden', component: Empty, meta: { title: 'c.hidden', roles: ['candidate'] } },
]

function all() {
  return createRouter({ history: createMemoryHistory(), routes }).getRoutes()
}

describe('menuFor', () => {
  it('shows a visitor the public entries and sign-up, in order', () => {
    expect(menuFor(all(), null).map((m) => m.path)).toEqual(['/', '/signup'])
  })

  it('shows a role its own entries and hides guest-only ones', () => {
    expect(menuFor(all(), 'candidate').map((m) => m.path)).toEqual(['/', '/candidate/plans'])
    expect(menuFor(all(), 'reviewer').map((m) => m.path)).toEqual(['/', '/reviewer/queue'])
  })

  it('picks up a route added later without any other change', () => {
    const router = createRouter({ history: createMemoryHistory(), routes })
    router.addRoute({ path: '/org/plans', component: Empty, meta: { title: 'org.plans', menu: true, roles: ['org_admin'] } })
    expect(menuFor(router.getRoutes(), 'org_admin').map((m) => m.path)).toEqual(['/', '/org/plans'])
  })
})
