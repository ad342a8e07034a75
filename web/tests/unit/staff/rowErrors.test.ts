import { describe, expect, it } from 'vitest'
import { rowErrors } from '@/components/staff/rowErrors'

describe('rowErrors', () => {
  it('reads the roster and payment request locators (rows[line].field)', () => {
    const { rows, others } = rowErrors([
      { field: 'rows[7].phone', message: '手机号码格式不正确' },
      { field: 'rows[3].身份证号', message: '身份证号不正确' },
    ])
    expect(rows).toEqual([
      { row: 3, column: '身份证号', message: '身份证号不正确' },
      { row: 7, column: 'phone', message: '手机号码格式不正确' },
    ])
    expect(others).toEqual([])
  })

  it('reads the Excel score import (file.rows.line.field) and a whole-row problem', () => {
    const { rows } = rowErrors([
      { field: 'file.rows.12.score', message: '成绩应为数字' },
      { field: 'rows[5]', message: '重复的行' },
    ])
    expect(rows).toEqual([
      { row: 5, column: null, message: '重复的行' },
      { row: 12, column: 'score', message: '成绩应为数字' },
    ])
  })

  it('counts JSON score rows from 0 as file lines under a header', () => {
    const { rows } = rowErrors([{ field: 'scores.0.ticket_number', message: '准考证号不存在' }])
    expect(rows).toEqual([{ row: 2, column: 'ticket_number', message: '准考证号不存在' }])
  })

  it('keeps errors that name no row apart', () => {
    const { rows, others } = rowErrors([
      { field: 'file', message: '文件不是有效的 Excel（.xlsx）文件' },
      { field: 'plan_id', message: '考试计划不存在' },
    ])
    expect(rows).toEqual([])
    expect(others.map((e) => e.field)).toEqual(['file', 'plan_id'])
  })
})
