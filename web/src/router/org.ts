import type { RouteRecordRaw } from 'vue-router'

/** 培训评价组织: exam plans, sites, scores, payment requests, reconciliation, certificates. */
const roles = ['org_admin'] as const
const meta = (title: string, order: number, menu = true) => ({ title, roles: [...roles], menu, order })
const routes: RouteRecordRaw[] = [
  { path: '/org', redirect: '/org/plans' },
  { path: '/org/plans', component: () => import('@/views/org/OrgPlans.vue'), meta: meta('org.plans.title', 10) },
  {
    path: '/org/plans/:id',
    component: () => import('@/views/org/OrgPlanDetail.vue'),
    meta: meta('org.plan.title', 11, false),
  },
  {
    path: '/org/applications',
    component: () => import('@/views/org/OrgApplications.vue'),
    meta: meta('org.applications.title', 15),
  },
  {
    path: '/org/subjects',
    component: () => import('@/views/org/OrgSubjects.vue'),
    meta: meta('org.subjects.title', 12),
  },
  { path: '/org/sites', component: () => import('@/views/org/OrgSites.vue'), meta: meta('staff.sites.title', 20) },
  {
    path: '/org/arrangements',
    component: () => import('@/views/org/OrgArrangements.vue'),
    meta: meta('staff.arrangements.title', 24),
  },
  { path: '/org/inspectors', component: () => import('@/views/org/OrgInspectors.vue'), meta: meta('duty.inspectors.title', 25) },
  { path: '/org/scores', component: () => import('@/views/org/OrgScores.vue'), meta: meta('org.scores.title', 30) },
  {
    path: '/org/certificates',
    component: () => import('@/views/org/OrgCertificates.vue'),
    meta: meta('org.certificates.title', 40),
  },
  {
    // The organisation's seal, printed in its signature area of every certificate.
    path: '/org/stamp',
    component: () => import('@/views/head/HeadStamp.vue'),
    props: { party: 'org' },
    meta: meta('head.stamp.title', 41),
  },
  {
    path: '/org/payment-requests',
    component: () => import('@/views/org/OrgPaymentRequests.vue'),
    meta: meta('org.payments.title', 50),
  },
  {
    path: '/org/reconciliation',
    component: () => import('@/views/org/OrgReconciliation.vue'),
    meta: meta('staff.reconciliation.title', 60),
  },
]

export default routes
