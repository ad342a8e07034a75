import { describe, expect, it } from 'vitest'
import { collectMessages } from '@/i18n'

// English falls back to Chinese silently at runtime, so a missing key must break the tests here.
const modules = import.meta.glob<{ default: Record<string, unknown> }>('../../src/locales/*/*.ts', { eager: true })
const messages = collectMessages(modules)

function flatten(node: unknown, prefix: string, out: Map<string, string>) {
  if (typeof node === 'string') {
    out.set(prefix, node)
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) flatten(value, prefix ? `${prefix}.${key}` : key, out)
  } else {
    out.set(prefix, String(node))
  }
  return out
}

function placeholders(text: string) {
  return [...new Set([...text.matchAll(/\{\s*([\w.]+)\s*\}/g)].map((m) => m[1]))].sort().join(',')
}

describe('locales', () => {
  const zh = messages['zh-CN'] ?? {}
  const en = messages.en ?? {}

  it('has the same areas in zh-CN and en', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort())
    expect(Object.keys(zh).length).toBeGreaterThan(0)
  })

  it('has every key in both languages, with the same placeholders', () => {
    const problems: string[] = []
    for (const area of new Set([...Object.keys(zh), ...Object.keys(en)])) {
      const zhKeys = flatten(zh[area], area, new Map())
      const enKeys = flatten(en[area], area, new Map())
      for (const key of zhKeys.keys()) if (!enKeys.has(key)) problems.push(`missing in en: ${key}`)
      for (const key of enKeys.keys()) if (!zhKeys.has(key)) problems.push(`missing in zh-CN: ${key}`)
      for (const [key, text] of zhKeys) {
        const other = enKeys.get(key)
        if (other !== undefined && placeholders(text) !== placeholders(other)) {
          problems.push(`placeholders differ: ${key} zh-CN {${placeholders(text)}} en {${placeholders(other)}}`)
        }
      }
    }
    expect(problems).toEqual([])
  })
})
