import type { FieldError } from '@/api/problem'

/** One bad cell of an imported file. `row` is the line the person sees in the file (the
 * header is line 1), `column` the API's field name of the cell (null: the whole line). */
export interface RowError {
  row: number
  column: string | null
  message: string
}

// The services name a bad cell `rows[12].id_number` (roster, payment requests),
// `file.rows.12.score` (scores from Excel) or `scores.0.ticket_number` (scores as JSON,
// counted from 0 with no header line).
const ROW_FIELD = /^(?:file\.)?rows(?:\[(\d+)\]|\.(\d+))(?:\.(.+))?$/
const LIST_FIELD = /^scores\.(\d+)(?:\.(.+))?$/

/** Splits a problem's field errors into per-row errors (sorted by line) and the rest. */
export function rowErrors(errors: readonly FieldError[]): { rows: RowError[]; others: FieldError[] } {
  const rows: RowError[] = []
  const others: FieldError[] = []
  for (const error of errors) {
    const file = ROW_FIELD.exec(error.field)
    const list = file ? null : LIST_FIELD.exec(error.field)
    if (file) {
      rows.push({ row: Number(file[1] ?? file[2]), column: file[3] ?? null, message: error.message })
    } else if (list) {
      rows.push({ row: Number(list[1]) + 2, column: list[2] ?? null, message: error.message })
    } else {
      others.push(error)
    }
  }
  rows.sort((a, b) => a.row - b.row)
  return { rows, others }
}
