export default {
  nav: { queue: 'Review queue' },
  queue: { title: 'Eligibility review queue', candidate: 'Candidate', plan: 'Plan', submittedAt: 'Submitted', dueAt: 'Due', overdue: 'Overdue', findings: 'Checks', open: 'Review', empty: 'Nothing to review' },
  case: { title: 'Eligibility review', claim: 'Claim', approve: 'Approve', reject: 'Reject', reasons: 'Reasons', documents: 'Documents', findings: 'Automatic checks', audit: 'Audit trail', zoomIn: 'Zoom in', zoomOut: 'Zoom out' },
}
