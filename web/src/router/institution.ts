import type { RouteRecordRaw } from 'vue-router'

/** 试点院校/考核站点: the student roster, payment requests and test sites. */
const roles = ['institution_admin'] as const
const meta = (title: string, order: number) => ({ title, roles: [...roles], menu: true, order })
const routes: RouteRecordRaw[] = [
  { path: '/institution', redirect: '/institution/roster' },
  {
    path: '/institution/base-info',
    component: () => import('@/views/institution/InstitutionBaseInfo.vue'),
    meta: { title: 'institution.baseInfo.title', roles: ['institution_head', 'institution_admin'], menu: true, order: 5 },
  },
  {
    path: '/institution/pilot',
    component: () => import('@/views/institution/InstitutionPilot.vue'),
    meta: { title: 'pilot.apply.title', roles: ['institution_head', 'institution_admin'], menu: true, order: 6 },
  },
  {
    path: '/institution/signup',
    component: () => import('@/views/institution/InstitutionSignupPage.vue'),
    meta: { title: 'institution.signup.title', menu: true, guestOnly: true, order: 91 },
  },
  {
    path: '/institution/roster',
    component: () => import('@/views/institution/InstitutionRoster.vue'),
    meta: meta('institution.roster.title', 10),
  },
  {
    path: '/institution/payment-requests',
    component: () => import('@/views/institution/InstitutionPaymentRequests.vue'),
    meta: meta('institution.payments.title', 20),
  },
  {
    path: '/institution/sites',
    component: () => import('@/views/institution/InstitutionSites.vue'),
    meta: meta('staff.sites.title', 30),
  },
  {
    path: '/institution/invigilators',
    component: () => import('@/views/institution/InstitutionInvigilators.vue'),
    meta: { title: 'duty.invigilators.title', roles: ['institution_admin', 'institution_head'], menu: true, order: 35 },
  },
  {
    path: '/institution/scores',
    component: () => import('@/views/institution/InstitutionScores.vue'),
    meta: { title: 'institution.scores.title', roles: ['institution_head', 'institution_admin'], menu: true, order: 50 },
  },
  {
    path: '/institution/printouts',
    component: () => import('@/views/institution/InstitutionPrintouts.vue'),
    meta: meta('institution.printouts.title', 40),
  },
  {
    path: '/institution/arrangements',
    component: () => import('@/views/institution/InstitutionArrangements.vue'),
    meta: meta('staff.arrangements.title', 35),
  },
]

export default routes
