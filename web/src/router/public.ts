import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '', component: () => import('@/views/public/HomePage.vue'), meta: { title: 'public.home', menu: true, order: 0 } },
  {
    path: 'verify',
    component: () => import('@/views/public/VerifyPage.vue'),
    meta: { title: 'public.verify', menu: true, order: 1 },
  },
  { path: 'forbidden', component: () => import('@/views/public/ForbiddenPage.vue'), meta: { title: 'public.forbidden' } },
]

export default routes
