export default {
  nav: { plans: 'Apply', applications: 'My applications', tickets: 'Admission tickets', scores: 'Scores', certificates: 'Certificates' },
  plans: { title: 'Choose an exam plan', occupation: 'Occupation', level: 'Level', all: 'All', apply: 'Apply', exists: 'You already applied for this plan', empty: 'No plan matches' },
  applications: { title: 'My applications', empty: 'No application yet', open: 'Open', continue: 'Continue', submittedAt: 'Submitted', createdAt: 'Created' },
  status: { title: 'Application', current: 'Status', reasons: 'Why it was rejected', fixAndResubmit: 'Fix and resubmit', edit: 'Edit', history: 'History', pay: 'Pay', ticket: 'Admission ticket', steps: 'Progress', documents: 'Documents', withdraw: 'Withdraw' },
  wizard: {
    title: 'Application form',
    steps: { basic: 'Basic info', identity: 'Identity', registration: 'Registration info', documents: 'Documents' },
    saveAndNext: 'Save and continue', previous: 'Back', saved: 'Saved', submit: 'Submit', resubmit: 'Resubmit',
    submitConfirmTitle: 'Submit', submitConfirm: 'Submit for eligibility review? You can still edit while it is reviewed.',
    submitted: 'Submitted for review',
  },
  payment: { title: 'Payment', qrLabel: 'WeChat Pay QR code', amount: 'Amount', scan: 'Scan the QR code with WeChat to pay', status: 'Status', waiting: 'Waiting for payment…', paid: 'Paid', back: 'Back to the application' },
  tickets: { title: 'Admission tickets', empty: 'No ticket yet', download: 'Download', print: 'Print' },
  scores: { title: 'Scores', empty: 'No scores yet' },
  certificates: { title: 'Certificates', empty: 'No certificate yet', download: 'Download', share: 'Copy verification link', copied: 'Link copied' },
}
