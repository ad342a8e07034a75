import { describe, expect, it } from 'vitest'
import { ApiError, toApiError } from '@/api/problem'
import { useProblem } from '@/composables/useProblem'

const problem = {
  type: 'https://skillcert.example/problems/invalid-input',
  title: '请求参数有误',
  status: 422,
  detail: '请检查填写的内容',
  errors: [
    { field: 'phone', message: '手机号格式不正确', code: 'string_pattern_mismatch' },
    { field: 'work_history.0.unit', message: '单位名称不能为空' },
  ],
}

describe('useProblem', () => {
  it('puts each field error at the field it names and the rest in the alert', async () => {
    const { fieldErrors, formError, otherErrors, run } = useProblem(['phone', 'code'])
    const ok = await run(() => Promise.reject(new ApiError(problem)))
    expect(ok).toBe(false)
    expect(fieldErrors.phone).toBe('手机号格式不正确')
    expect(fieldErrors.code).toBeUndefined()
    expect(otherErrors.value).toEqual([{ field: 'work_history.0.unit', message: '单位名称不能为空' }])
    expect(formError.value).toBe('请检查填写的内容')
  })

  it('clears the previous errors on the next success', async () => {
    const { fieldErrors, formError, run } = useProblem()
    await run(() => Promise.reject(new ApiError(problem)))
    expect(fieldErrors['work_history.0.unit']).toBe('单位名称不能为空')
    expect(await run(() => Promise.resolve())).toBe(true)
    expect(fieldErrors).toEqual({})
    expect(formError.value).toBeNull()
  })

  it('names query parameters as the form does', async () => {
    const { fieldErrors, otherErrors, run } = useProblem(['number', 'id_number'])
    await run(() =>
      Promise.reject(new ApiError({ title: '请求参数有误', status: 422, errors: [{ field: 'query.id_number', message: '格式不正确' }] })),
    )
    expect(fieldErrors.id_number).toBe('格式不正确')
    expect(otherErrors.value).toEqual([])
  })

  it('gives a network failure a readable title', () => {
    const error = toApiError(0, undefined)
    expect(error.status).toBe(0)
    expect(error.message).toBe('网络连接失败，请稍后再试')
    expect(toApiError(502, '<html>').message).toBe('请求失败')
  })
})
