import type { RouteRecordRaw } from 'vue-router'

/** 监考 / 巡考: the check-in device and the rooms' counts, for the accounts on duty. */
const routes: RouteRecordRaw[] = [
  { path: '/duty', redirect: '/duty/check-in' },
  {
    path: '/duty/check-in',
    component: () => import('@/views/duty/DutyCheckIn.vue'),
    meta: { title: 'duty.checkIn.title', roles: ['invigilator', 'inspector'], menu: true, order: 10 },
  },
  {
    path: '/duty/overview',
    component: () => import('@/views/duty/DutyOverview.vue'),
    meta: { title: 'duty.overview.title', roles: ['inspector', 'invigilator'], menu: true, order: 20 },
  },
]

export default routes
