/** Request options of openapi-fetch for a multipart upload (a file and form fields): the
 * browser sets the boundary itself. The typed body is the generated one (the file as a
 * string), which a FormData stands in for. */
export function multipart(fields: Record<string, string | Blob>) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return { body: {} as never, bodySerializer: () => form }
}
