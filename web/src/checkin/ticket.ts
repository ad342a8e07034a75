/** Offline check of an admission ticket's QR code (准考证二维码): a compact JWS (ES256) signed
 * by exam-scheduling, verified with WebCrypto against the JWK set the device downloaded with
 * its roster (GET /api/v1/exam-scheduling/ticket-keys). No network is needed. */

export const TICKET_ISSUER = 'skillcert-exam-scheduling'
export const TICKET_AUDIENCE = 'skillcert-admission-ticket'

export interface TicketJwk {
  kty: string
  crv: string
  x: string
  y: string
  kid: string
  alg?: string
}

export interface TicketClaims {
  /** the admission ticket number */
  sub: string
  name: string
  /** the masked ID number, as printed */
  idm: string
  plan: string
  room: string
  seat: number
  start: number
  iat: number
  exp: number
  iss: string
  aud: string
}

export type TicketRefusal = 'malformed' | 'unknown_key' | 'bad_signature' | 'wrong_issuer' | 'expired'

export class TicketInvalid extends Error {
  constructor(readonly reason: TicketRefusal) {
    super(reason)
  }
}

function base64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
  const binary = atob(b64)
  const out = new Uint8Array(new ArrayBuffer(binary.length))
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

function json(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(new TextDecoder().decode(base64url(part)))
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TicketInvalid('malformed')
  return value as Record<string, unknown>
}

/** The ticket's claims if its signature checks out under one of `keys` (by `kid`), it is for
 * admission and not expired at `now` (ms); else TicketInvalid with the reason. */
export async function verifyTicket(
  token: string,
  keys: readonly TicketJwk[],
  now: number = Date.now(),
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<TicketClaims> {
  const parts = token.trim().split('.')
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw new TicketInvalid('malformed')
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  let signature: Uint8Array<ArrayBuffer>
  try {
    header = json(parts[0])
    claims = json(parts[1])
    signature = base64url(parts[2])
  } catch (e) {
    if (e instanceof TicketInvalid) throw e
    throw new TicketInvalid('malformed')
  }
  // Only ES256: a token naming another algorithm (or "none") is never checked another way.
  if (header.alg !== 'ES256' || signature.length !== 64) throw new TicketInvalid('malformed')
  const jwk = keys.find((k) => k.kid === header.kid)
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new TicketInvalid('unknown_key')
  const key = await subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  )
  const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`)
  // A JWS ES256 signature is r‖s, the form WebCrypto verifies.
  const valid = await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, signed)
  if (!valid) throw new TicketInvalid('bad_signature')
  if (claims.iss !== TICKET_ISSUER || claims.aud !== TICKET_AUDIENCE || typeof claims.sub !== 'string') {
    throw new TicketInvalid('wrong_issuer')
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < now) throw new TicketInvalid('expired')
  return claims as unknown as TicketClaims
}
