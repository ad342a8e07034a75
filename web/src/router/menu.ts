import type { RouteRecordNormalized } from 'vue-router'
import type { Role } from '@/api/client'

export interface MenuItem {
  path: string
  title: string
  order: number
}

/** The menu for a role (null: not signed in), read from the routes' meta: a route with
 * `meta.menu` appears to the roles it allows, so a new area's routes show up by themselves. */
export function menuFor(routes: RouteRecordNormalized[], role: Role | null): MenuItem[] {
  return routes
    .filter((r) => r.meta.menu && r.meta.title)
    .filter((r) => (r.meta.roles ? role !== null && r.meta.roles.includes(role) : true))
    .filter((r) => !(r.meta.guestOnly && role !== null))
    .map((r) => ({ path: r.path, title: r.meta.title as string, order: r.meta.order ?? 100 }))
    .sort((a, b) => a.order - b.order || a.path.localeCompare(b.path))
}

/** Where a role lands after signing in. */
export const HOME_OF: Record<Role, string> = {
  candidate: '/candidate/applications',
  reviewer: '/reviewer/queue',
  org_admin: '/org',
  institution_admin: '/institution',
  institution_head: '/head',
  province_admin: '/province',
  city_reviewer: '/city',
  invigilator: '/duty/check-in',
  inspector: '/duty/overview',
  ops: '/ops',
}
