import type { RouteRecordRaw } from 'vue-router'

/** 地市级教育行政部门: the city's review of pilot applications where a batch wants it first. */
const routes: RouteRecordRaw[] = [
  { path: '/city', redirect: '/city/pilot-review' },
  {
    path: '/city/pilot-review',
    component: () => import('@/views/city/CityPilotReview.vue'),
    meta: { title: 'pilot.review.cityTitle', roles: ['city_reviewer'], menu: true, order: 10 },
  },
]

export default routes
