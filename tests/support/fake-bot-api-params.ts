import { badRequest } from './fake-bot-api-error.ts'

export interface UploadedFile {
  filename?: string
  bytes: Buffer
}

export interface ParsedParams {
  params: Record<string, unknown>
  files: Record<string, UploadedFile>
}

// Free text must stay a string even when it happens to look like JSON ("42", "true").
const FREE_TEXT = new Set([
  'text', 'caption', 'title', 'description', 'short_description', 'query', 'question',
  'explanation', 'name', 'first_name', 'last_name', 'custom_title', 'address', 'emoji',
])

/** Merges query-string and body parameters the way the Bot API accepts them. */
export function parseParams(query: URLSearchParams, contentType: string | undefined, body: Buffer): ParsedParams {
  const params: Record<string, unknown> = {}
  for (const [key, value] of query) params[key] = fromFormValue(key, value)
  const files: Record<string, UploadedFile> = {}
  const type = (contentType ?? '').toLowerCase()
  if (body.length === 0) return { params, files }

  if (type.startsWith('multipart/form-data')) {
    const multipart = parseMultipart(body, boundaryOf(contentType ?? ''))
    for (const [key, value] of multipart.fields) params[key] = fromFormValue(key, value)
    Object.assign(files, multipart.files)
    nameAttachedFiles(params, files)
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = fromFormValue(key, value)
  } else {
    Object.assign(params, parseJsonObject(body))
  }
  return { params, files }
}

function fromFormValue(key: string, value: string): unknown {
  if (FREE_TEXT.has(key)) return value
  try {
    const parsed: unknown = JSON.parse(value)
    return parsed === null || typeof parsed === 'string' ? value : parsed
  } catch {
    return value
  }
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw badRequest("can't parse JSON request body")
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('request body must be a JSON object')
  }
  return parsed as Record<string, unknown>
}

// grammY sends `photo: "attach://<random>"` plus a file part named <random>; key the file by `photo` instead.
function nameAttachedFiles(params: Record<string, unknown>, files: Record<string, UploadedFile>): void {
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'string' || !value.startsWith('attach://')) continue
    const partName = value.slice('attach://'.length)
    const file = files[partName]
    if (!file || partName === key) continue
    files[key] = file
    delete files[partName]
  }
}

function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (!boundary) throw badRequest('multipart body without boundary')
  return boundary
}

// A tolerant parser: grammY writes `content-disposition:form-data;name="x";filename=y` (no space, unquoted
// filename), which Node's built-in Request.formData() rejects.
function parseMultipart(body: Buffer, boundary: string) {
  const fields: [string, string][] = []
  const files: Record<string, UploadedFile> = {}
  const opening = Buffer.from(`--${boundary}`)
  const separator = Buffer.from(`\r\n--${boundary}`)
  let pos = body.indexOf(opening)
  if (pos < 0) throw badRequest('multipart body without opening boundary')
  pos += opening.length
  while (body.subarray(pos, pos + 2).toString('latin1') !== '--') {
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2
    const end = body.indexOf(separator, pos)
    if (end < 0) throw badRequest('multipart body is not terminated')
    const part = parsePart(body.subarray(pos, end))
    if (part.filename === undefined) fields.push([part.name, part.data.toString('utf8')])
    else files[part.name] = { filename: part.filename, bytes: Buffer.from(part.data) }
    pos = end + separator.length
  }
  return { fields, files }
}

function parsePart(part: Buffer): { name: string; filename?: string; data: Buffer } {
  const headerEnd = part.indexOf('\r\n\r\n')
  if (headerEnd < 0) throw badRequest('multipart part without headers')
  const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n')
  const disposition = headers.find((h) => /^content-disposition\s*:/i.test(h)) ?? ''
  const name = /(?:^|;)\s*name=(?:"([^"]*)"|([^;\s]*))/i.exec(disposition.replace(/^[^:]*:/, ''))
  const filename = /;\s*filename=(?:"([^"]*)"|([^;]*))/i.exec(disposition)
  const fieldName = name?.[1] ?? name?.[2]
  if (!fieldName) throw badRequest('multipart part without a name')
  const data = part.subarray(headerEnd + 4)
  return filename ? { name: fieldName, filename: (filename[1] ?? filename[2] ?? '').trim(), data } : { name: fieldName, data }
}
