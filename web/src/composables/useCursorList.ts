import { ref, shallowRef } from 'vue'
import { ApiError } from '@/api/problem'

export interface CursorPage<T> {
  items: T[]
  next_cursor?: string | null
}

/** A list read in cursor pages (`Page[T]` of the services): the first page, then the next by
 * passing `next_cursor` back; earlier cursors are kept so the pager can go back. */
export function useCursorList<T>(fetchPage: (cursor: string | null) => Promise<CursorPage<T>>) {
  const items = shallowRef<T[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  const nextCursor = ref<string | null>(null)
  const cursors = ref<(string | null)[]>([null])

  async function load(cursor: string | null) {
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(cursor)
      items.value = page.items
      nextCursor.value = page.next_cursor ?? null
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : String(e)
      items.value = []
    } finally {
      loading.value = false
    }
  }

  async function reload() {
    cursors.value = [null]
    await load(null)
  }

  async function next() {
    if (!nextCursor.value) return
    cursors.value = [...cursors.value, nextCursor.value]
    await load(nextCursor.value)
  }

  async function previous() {
    if (cursors.value.length <= 1) return
    cursors.value = cursors.value.slice(0, -1)
    await load(cursors.value[cursors.value.length - 1])
  }

  return { items, loading, error, nextCursor, cursors, reload, next, previous }
}
