import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import AsyncState from '@/components/AsyncState.vue'
import CursorPager from '@/components/CursorPager.vue'
import { useCursorList } from '@/composables/useCursorList'

describe('AsyncState', () => {
  it('shows loading, then the error with retry, then empty, then the content', async () => {
    const wrapper = mount(AsyncState, {
      props: { loading: true },
      slots: { default: '<p data-test="content">内容</p>' },
    })
    expect(wrapper.find('[data-test=loading]').exists()).toBe(true)
    expect(wrapper.find('[data-test=content]').exists()).toBe(false)

    await wrapper.setProps({ loading: false, error: '服务暂不可用' })
    expect(wrapper.text()).toContain('服务暂不可用')
    await wrapper.find('button').trigger('click')
    expect(wrapper.emitted('retry')).toHaveLength(1)

    await wrapper.setProps({ error: null, empty: true, emptyText: '暂无考试计划' })
    expect(wrapper.find('[data-test=empty]').text()).toContain('暂无考试计划')

    await wrapper.setProps({ empty: false })
    expect(wrapper.find('[data-test=content]').exists()).toBe(true)
  })
})

describe('CursorPager with useCursorList', () => {
  it('walks forward by next_cursor and back by the kept cursors', async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      first: { items: [1, 2], next_cursor: 'c2' },
      c2: { items: [3, 4], next_cursor: 'c3' },
      c3: { items: [5], next_cursor: null },
    }
    const seen: (string | null)[] = []
    const list = useCursorList<number>(async (cursor) => {
      seen.push(cursor)
      return pages[cursor ?? 'first']
    })
    await list.reload()
    const wrapper = mount(CursorPager, {
      props: { page: 1, hasNext: true },
      attrs: {
        onNext: () => list.next(),
        onPrevious: () => list.previous(),
      },
    })
    expect(wrapper.find('[data-test=previous]').attributes('disabled')).toBeDefined()
    await wrapper.find('[data-test=next]').trigger('click')
    await flushPromises()
    await list.next()
    expect(list.items.value).toEqual([5])
    expect(list.nextCursor.value).toBeNull()
    await list.previous()
    expect(list.items.value).toEqual([3, 4])
    expect(seen).toEqual([null, 'c2', 'c3', 'c2'])
    await wrapper.setProps({ page: 3, hasNext: false })
    expect(wrapper.find('[data-test=next]').attributes('disabled')).toBeDefined()
    expect(wrapper.text()).toContain('第 3 页')
  })
})
