import { reactive, ref } from 'vue'
import { ApiError, type FieldError } from '@/api/problem'

/** Errors of a form from a problem+json answer: each shown at the field it names (bind
 * `:error="fieldErrors['phone']"` on the el-form-item), the rest and the problem's detail in
 * the form's alert. The form's values are never touched, so nothing typed is lost. */
/** The field as a form names it: query parameters come back as `query.<name>`. */
export function formField(field: string): string {
  return field.replace(/^(query|path|header|cookie)\./, '')
}

export function useProblem(knownFields?: readonly string[] | (() => readonly string[])) {
  const fieldErrors = reactive<Record<string, string>>({})
  const formError = ref<string | null>(null)
  const otherErrors = ref<FieldError[]>([])

  function clear() {
    for (const key of Object.keys(fieldErrors)) delete fieldErrors[key]
    formError.value = null
    otherErrors.value = []
  }

  function apply(error: unknown) {
    clear()
    if (!(error instanceof ApiError)) {
      formError.value = error instanceof Error ? error.message : String(error)
      return
    }
    const fields = typeof knownFields === 'function' ? knownFields() : knownFields
    const known = fields ? new Set(fields) : null
    for (const fe of error.fieldErrors) {
      const name = formField(fe.field)
      if (known === null || known.has(name)) fieldErrors[name] = fe.message
      else otherErrors.value.push(fe)
    }
    formError.value = error.problem.detail || error.problem.title
  }

  /** Runs `action`; on an ApiError shows it and returns false. */
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    clear()
    try {
      await action()
      return true
    } catch (error) {
      apply(error)
      return false
    }
  }

  return { fieldErrors, formError, otherErrors, clear, apply, run }
}
