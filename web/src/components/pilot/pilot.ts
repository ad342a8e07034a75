import { ApiError } from '@/api/problem'
import type { Schemas } from '@/api/client'

export type PilotApplication = Schemas['PilotApplicationOut']
export type PilotStatus = PilotApplication['status']
export type PilotPlan = Schemas['PilotPlanOut']
export type PilotBatch = Schemas['PilotBatchOut']

/** Element Plus tag colours of the application states (证书试点申报状态). */
export const STATUS_TAG: Record<PilotStatus, 'info' | 'warning' | 'success' | 'danger' | 'primary'> = {
  draft: 'info',
  city_review: 'warning',
  province_review: 'warning',
  approved: 'success',
  rejected: 'danger',
}

export const BATCH_TAG: Record<string, 'info' | 'success' | 'warning'> = {
  upcoming: 'info',
  open: 'success',
  closed: 'warning',
}

/** Sends a file to a presigned upload (the storage server's POST form, or a PUT), as
 * registration's materials do; a refusal of the storage server becomes an ApiError. */
export async function sendToStorage(file: File, target: Schemas['PilotPresignedUploadOut']): Promise<void> {
  let response: Response
  if (target.method === 'POST') {
    const form = new FormData()
    for (const [k, v] of Object.entries(target.fields ?? {})) form.append(k, v)
    form.append('file', file)
    response = await fetch(target.url, { method: 'POST', body: form })
  } else {
    response = await fetch(target.url, { method: 'PUT', body: file, headers: target.headers })
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined)
    throw new ApiError({
      title: (body as { title?: string } | undefined)?.title ?? '上传失败',
      status: response.status,
      detail: (body as { detail?: string } | undefined)?.detail,
    })
  }
}

/** The content type a browser may leave empty for Word files: named by the extension only to
 * ask for the upload; the service checks the bytes themselves. */
export function declaredType(file: File): string {
  if (file.type) return file.type
  const name = file.name.toLowerCase()
  if (name.endsWith('.pdf')) return 'application/pdf'
  if (name.endsWith('.doc')) return 'application/msword'
  if (name.endsWith('.docx')) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
  return 'application/octet-stream'
}
