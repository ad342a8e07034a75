import type { RouteRecordRaw } from 'vue-router'

const reviewer = { roles: ['reviewer' as const] }

const routes: RouteRecordRaw[] = [
  {
    path: '/reviewer/queue',
    component: () => import('@/views/reviewer/QueuePage.vue'),
    meta: { ...reviewer, title: 'reviewer.nav.queue', menu: true, order: 10 },
  },
  {
    path: '/reviewer/cases/:id',
    component: () => import('@/views/reviewer/CasePage.vue'),
    meta: { ...reviewer, title: 'reviewer.case.title' },
  },
]

export default routes
