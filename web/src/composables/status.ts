/** The tag colour of an application status. */
export function statusType(status: string): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  switch (status) {
    case 'approved':
    case 'paid':
    case 'scheduled':
    case 'result_pass':
    case 'certified':
      return 'success'
    case 'submitted':
      return 'warning'
    case 'rejected':
    case 'result_fail':
    case 'forfeited':
    case 'certificate_revoked':
      return 'danger'
    case 'draft':
      return 'primary'
    default:
      return 'info'
  }
}

export const EDITABLE = new Set(['draft', 'submitted', 'rejected'])
