import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: 'login', component: () => import('@/views/auth/LoginPage.vue'), meta: { title: 'auth.login', guestOnly: true } },
  {
    path: 'signup',
    component: () => import('@/views/auth/SignupPage.vue'),
    meta: { title: 'auth.signup', menu: true, guestOnly: true, order: 90 },
  },
  { path: 'password-reset', component: () => import('@/views/auth/PasswordResetPage.vue'), meta: { title: 'auth.resetTitle' } },
]

export default routes
