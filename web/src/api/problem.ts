/** RFC 9457 problem details as every skillcert service renders them, with the invalid
 * fields listed in `errors` (field paths as the API names them: `phone`, `work_history.0.unit`). */
export interface FieldError {
  field: string
  message: string
  code?: string
}

export interface Problem {
  type?: string
  title: string
  status: number
  detail?: string | null
  errors?: FieldError[]
  correlation_id?: string | null
}

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem

  constructor(problem: Problem) {
    super(problem.detail || problem.title)
    this.status = problem.status
    this.problem = problem
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? []
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'title' in body && 'status' in body
}

/** Any failed response as an ApiError; a body that is not problem+json still gets a title. */
export function toApiError(status: number, body: unknown): ApiError {
  if (isProblem(body)) return new ApiError(body)
  return new ApiError({ title: status === 0 ? '网络连接失败，请稍后再试' : '请求失败', status })
}
