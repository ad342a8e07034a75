import type { RouteRecordRaw } from 'vue-router'

/** 省级教育行政部门: the province's official institution directory. Pilot plans, pilot
 * applications and quotas have no API yet; the directory page says so. */
const routes: RouteRecordRaw[] = [
  { path: '/province', redirect: '/province/directory' },
  {
    path: '/province/directory',
    component: () => import('@/views/province/ProvinceDirectory.vue'),
    meta: { title: 'province.directory.title', roles: ['province_admin'], menu: true, order: 10 },
  },
]

export default routes
