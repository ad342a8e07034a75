import type { RouteRecordRaw } from 'vue-router'

/** 运维: dead letters and their replay, staff accounts, payment reconciliation. */
const roles = ['ops'] as const
const meta = (title: string, order: number) => ({ title, roles: [...roles], menu: true, order })
const routes: RouteRecordRaw[] = [
  { path: '/ops', redirect: '/ops/dead-letters' },
  { path: '/ops/dead-letters', component: () => import('@/views/ops/OpsDeadLetters.vue'), meta: meta('ops.deadLetters.title', 10) },
  { path: '/ops/accounts', component: () => import('@/views/ops/OpsAccounts.vue'), meta: meta('ops.accounts.title', 20) },
  {
    path: '/ops/reconciliation',
    component: () => import('@/views/ops/OpsReconciliation.vue'),
    meta: meta('staff.reconciliation.title', 30),
  },
  { path: '/ops/audit', component: () => import('@/views/ops/OpsAudit.vue'), meta: meta('ops.audit.title', 40) },
]

export default routes
