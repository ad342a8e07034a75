import { createI18n } from 'vue-i18n'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import en from 'element-plus/es/locale/lang/en'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]

/** Messages per language and area: `locales/<lang>/<area>.ts` default-exports an object and is
 * found here by itself, so a new area adds its files without editing this one. Keys read as
 * `<area>.<key>` (candidate.wizard.title). */
type Messages = Record<string, unknown>
const modules = import.meta.glob<{ default: Messages }>('./locales/*/*.ts', { eager: true })

export function collectMessages(found: Record<string, { default: Messages }>) {
  const messages: Record<string, Record<string, Messages>> = {}
  for (const [path, module] of Object.entries(found)) {
    const match = /\/locales\/([^/]+)\/([^/]+)\.ts$/.exec(path)
    if (!match) continue
    const [, lang, area] = match
    ;(messages[lang] ??= {})[area] = module.default
  }
  return messages
}

const STORAGE_KEY = 'skillcert.locale'

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY)
  return (LOCALES as readonly string[]).includes(saved ?? '') ? (saved as Locale) : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: collectMessages(modules),
  missingWarn: false,
  fallbackWarn: false,
})

export function setLocale(locale: Locale) {
  i18n.global.locale.value = locale
  localStorage.setItem(STORAGE_KEY, locale)
  document.documentElement.lang = locale
}

export const elementLocales = { 'zh-CN': zhCn, en }
