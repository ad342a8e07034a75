import type { RouteRecordRaw } from 'vue-router'

/** 省级教育行政部门: one page saying what exists for the role (nothing yet). */
const routes: RouteRecordRaw[] = [
  {
    path: '/province',
    component: () => import('@/views/province/ProvinceHome.vue'),
    meta: { title: 'province.home.title', roles: ['province_admin'], menu: true, order: 10 },
  },
]

export default routes
