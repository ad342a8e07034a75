import type { RouteRecordRaw } from 'vue-router'

/** 报考管理: the institution (head or admin) registers its roster students for exams within
 * its quota (指标). */
const routes: RouteRecordRaw[] = [
  {
    path: '/institution/exam-entries',
    component: () => import('@/views/institution/InstitutionExamEntries.vue'),
    meta: { title: 'entries.title', roles: ['institution_head', 'institution_admin'], menu: true, order: 15 },
  },
]

export default routes
