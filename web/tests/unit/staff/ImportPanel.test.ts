import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ImportPanel from '@/components/staff/ImportPanel.vue'
import { ApiError } from '@/api/problem'

function choose(wrapper: ReturnType<typeof mount>, name = 'roster.csv') {
  const input = wrapper.find('[data-test=import-file]')
  const file = new File(['姓名\n'], name, { type: 'text/csv' })
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  return input.trigger('change').then(() => file)
}

describe('ImportPanel', () => {
  it('asks for a file before calling the service', async () => {
    const upload = vi.fn()
    const wrapper = mount(ImportPanel, { props: { upload, accept: '.csv', label: '文件' } })
    await wrapper.find('[data-test=import-submit]').trigger('click')
    expect(upload).not.toHaveBeenCalled()
    expect(wrapper.find('[data-test=file-error]').text()).toBe('请先选择文件')
    expect(wrapper.find('[data-test=import-file]').attributes('aria-invalid')).toBe('true')
  })

  it('lists every bad cell by line and column, with the template header as the column name', async () => {
    const upload = vi.fn().mockRejectedValue(
      new ApiError({
        title: '提交的数据有误',
        status: 422,
        detail: '导入文件有 2 处错误',
        errors: [
          { field: 'rows[4].phone', message: '手机号码格式不正确，应为11位大陆手机号' },
          { field: 'rows[2].id_number', message: '身份证号校验位不正确' },
        ],
      }),
    )
    const wrapper = mount(ImportPanel, {
      props: { upload, accept: '.csv', label: '文件', columns: { phone: '手机号码', id_number: '证件号码' } },
    })
    const file = await choose(wrapper)
    await wrapper.find('[data-test=import-submit]').trigger('click')
    await flushPromises()

    expect(upload).toHaveBeenCalledWith(file)
    const report = wrapper.find('[data-test=row-errors]')
    expect(report.text()).toContain('导入失败：2 行共 2 处错误')
    const cells = report.findAll('tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()))
    expect(cells).toEqual([
      ['第 2 行', '证件号码', '身份证号校验位不正确'],
      ['第 4 行', '手机号码', '手机号码格式不正确，应为11位大陆手机号'],
    ])
    expect(wrapper.emitted('done')).toBeUndefined()
  })

  it('shows a problem with the file itself at the file field', async () => {
    const upload = vi.fn().mockRejectedValue(
      new ApiError({ title: '提交的数据有误', status: 422, errors: [{ field: 'file', message: '文件不是有效的 Excel（.xlsx）文件' }] }),
    )
    const wrapper = mount(ImportPanel, { props: { upload, accept: '.xlsx', label: '文件' } })
    await choose(wrapper, 'scores.xlsx')
    await wrapper.find('[data-test=import-submit]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-test=file-error]').text()).toBe('文件不是有效的 Excel（.xlsx）文件')
    expect(wrapper.find('[data-test=row-errors]').exists()).toBe(false)
  })

  it('hands the result on and clears the chosen file after a good import', async () => {
    const upload = vi.fn().mockResolvedValue({ created: 3, updated: 0, unchanged: 0 })
    const wrapper = mount(ImportPanel, { props: { upload, accept: '.csv', label: '文件' } })
    await choose(wrapper)
    await wrapper.find('[data-test=import-submit]').trigger('click')
    await flushPromises()
    expect(wrapper.emitted('done')).toEqual([[{ created: 3, updated: 0, unchanged: 0 }]])
    expect(wrapper.find('[data-test=problem]').exists()).toBe(false)
  })
})
