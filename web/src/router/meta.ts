import type { Role } from '@/api/client'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (also the menu label) */
    title?: string
    /** who may open it; absent: everyone */
    roles?: Role[]
    /** shown in the layout's menu (to the roles above) */
    menu?: boolean
    /** menu position, ascending */
    order?: number
    /** only for visitors who are not signed in (login, sign-up) */
    guestOnly?: boolean
  }
}

export {}
