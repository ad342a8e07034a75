import type { RouteRecordRaw } from 'vue-router'

/** 省级教育行政部门: the province's official institution directory, its pilot plans (申报计划)
 * and the review of pilot applications. Quotas have no screen yet; the directory says so. */
const routes: RouteRecordRaw[] = [
  { path: '/province', redirect: '/province/directory' },
  {
    path: '/province/directory',
    component: () => import('@/views/province/ProvinceDirectory.vue'),
    meta: { title: 'province.directory.title', roles: ['province_admin'], menu: true, order: 10 },
  },
  {
    path: '/province/pilot-plans',
    component: () => import('@/views/province/ProvincePilotPlans.vue'),
    meta: { title: 'pilot.plans.title', roles: ['province_admin'], menu: true, order: 20 },
  },
  {
    path: '/province/pilot-review',
    component: () => import('@/views/province/ProvincePilotReview.vue'),
    meta: { title: 'pilot.review.provinceTitle', roles: ['province_admin'], menu: true, order: 30 },
  },
  {
    path: '/province/city-reviewers',
    component: () => import('@/views/province/ProvinceCityReviewers.vue'),
    meta: { title: 'pilot.reviewers.title', roles: ['province_admin'], menu: true, order: 40 },
  },
]

export default routes
