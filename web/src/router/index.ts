import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import './meta'
import AppLayout from '@/layouts/AppLayout.vue'
import { useAuthStore } from '@/stores/auth'

/** One file per area (`router/<area>.ts`, default export: its routes), found here by itself.
 * Paths are absolute (/candidate/…); every page renders inside the layout. */
const areas = import.meta.glob<{ default: RouteRecordRaw[] }>('./*.ts', { eager: true })
const children = Object.entries(areas)
  .filter(([path]) => !/\/(index|meta|menu)\.ts$/.test(path))
  .flatMap(([, module]) => module.default)

export const routes: RouteRecordRaw[] = [
  { path: '/', component: AppLayout, children },
  {
    path: '/:pathMatch(.*)*',
    component: AppLayout,
    children: [
      { path: '', component: () => import('@/views/public/NotFound.vue'), meta: { title: 'public.notFound' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach((to) => {
  const auth = useAuthStore()
  const roles = to.meta.roles
  if (roles && !auth.isAuthenticated) return { path: '/login', query: { redirect: to.fullPath } }
  if (roles && auth.role && !roles.includes(auth.role)) return { path: '/forbidden' }
  return true
})
