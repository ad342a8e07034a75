export default {
  admins: {
    title: 'Business admins',
    lead: 'Open business admin accounts of your institution: they keep the student roster, payment requests and sites.',
    create: 'Create account',
    created: 'Business admin {username} created',
  },
  certificates: {
    title: 'Certificates',
    lead: 'Certificate records of your test centre. You sign first, then the organisation numbers and issues them; signatures cannot be withdrawn, so reject with a reason when something is wrong.',
  },
  stamp: {
    title: 'Signature stamp',
    lead: 'Upload the head’s signature stamp; certificates signed afterwards carry the new one.',
    leadOrg: "Upload the organisation's seal; certificates issued from now on show it in the organisation's signature area.",
    file: 'Stamp image',
    hint: 'PNG, at most 1 MB, ideally on a transparent background. It replaces the current stamp.',
    chooseFirst: 'Choose the stamp image first',
    upload: 'Upload stamp',
    uploadFailed: 'The upload failed; please try again',
    preview: 'Preview of the chosen stamp',
    done: 'Stamp updated ({time}, {w}×{h} px)',
  },
}
