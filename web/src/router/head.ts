import type { RouteRecordRaw } from 'vue-router'

/** 考核站点负责人: the signature stamp and signing certificates. */
const roles = ['institution_head'] as const
const routes: RouteRecordRaw[] = [
  { path: '/head', redirect: '/head/certificates' },
  {
    path: '/head/certificates',
    component: () => import('@/views/head/HeadCertificates.vue'),
    meta: { title: 'head.certificates.title', roles: [...roles], menu: true, order: 10 },
  },
  {
    path: '/head/stamp',
    component: () => import('@/views/head/HeadStamp.vue'),
    meta: { title: 'head.stamp.title', roles: [...roles], menu: true, order: 20 },
  },
  {
    path: '/head/admins',
    component: () => import('@/views/head/HeadAdmins.vue'),
    meta: { title: 'head.admins.title', roles: [...roles], menu: true, order: 30 },
  },
]

export default routes
