import type { RouteRecordRaw } from 'vue-router'

const candidate = { roles: ['candidate' as const] }

const routes: RouteRecordRaw[] = [
  {
    path: '/candidate/plans',
    component: () => import('@/views/candidate/PlansPage.vue'),
    meta: { ...candidate, title: 'candidate.nav.plans', menu: true, order: 10 },
  },
  {
    path: '/candidate/applications',
    component: () => import('@/views/candidate/ApplicationsPage.vue'),
    meta: { ...candidate, title: 'candidate.nav.applications', menu: true, order: 11 },
  },
  {
    path: '/candidate/applications/:id',
    component: () => import('@/views/candidate/ApplicationPage.vue'),
    meta: { ...candidate, title: 'candidate.status.title' },
  },
  {
    path: '/candidate/applications/:id/edit',
    component: () => import('@/views/candidate/WizardPage.vue'),
    meta: { ...candidate, title: 'candidate.wizard.title' },
  },
  {
    path: '/candidate/applications/:id/pay',
    component: () => import('@/views/candidate/PaymentPage.vue'),
    meta: { ...candidate, title: 'candidate.payment.title' },
  },
  {
    path: '/candidate/tickets',
    component: () => import('@/views/candidate/TicketsPage.vue'),
    meta: { ...candidate, title: 'candidate.nav.tickets', menu: true, order: 12 },
  },
  {
    path: '/candidate/scores',
    component: () => import('@/views/candidate/ScoresPage.vue'),
    meta: { ...candidate, title: 'candidate.nav.scores', menu: true, order: 13 },
  },
  {
    path: '/candidate/certificates',
    component: () => import('@/views/candidate/CertificatesPage.vue'),
    meta: { ...candidate, title: 'candidate.nav.certificates', menu: true, order: 14 },
  },
]

export default routes
