import { webcrypto } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TICKET_AUDIENCE, TICKET_ISSUER, TicketInvalid, verifyTicket, type TicketJwk } from '@/checkin/ticket'

const subtle = webcrypto.subtle as unknown as SubtleCrypto

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function part(value: object): string {
  return b64url(new TextEncoder().encode(JSON.stringify(value)))
}

/** A real P-256 key pair, its public JWK as the server publishes it, and a signer of JWS. */
async function keyPair(kid: string) {
  const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const exported = await subtle.exportKey('jwk', pair.publicKey)
  const jwk: TicketJwk = { kty: 'EC', crv: 'P-256', x: exported.x!, y: exported.y!, kid, alg: 'ES256' }
  async function sign(claims: object, header: object = { alg: 'ES256', typ: 'JWT', kid }) {
    const input = `${part(header)}.${part(claims)}`
    const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(input))
    return `${input}.${b64url(new Uint8Array(signature))}`
  }
  return { jwk, sign }
}

const NOW = Date.UTC(2026, 4, 16, 1, 0)
const CLAIMS = {
  iss: TICKET_ISSUER,
  aud: TICKET_AUDIENCE,
  sub: '2026000700102015',
  name: '王小明',
  idm: '370285********5910',
  plan: 'p',
  room: '第一考场',
  seat: 15,
  start: NOW / 1000,
  iat: NOW / 1000 - 3600,
  exp: NOW / 1000 + 86400,
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (e) {
    if (e instanceof TicketInvalid) return e.reason
    throw e
  }
  return 'accepted'
}

describe('verifyTicket', () => {
  it('accepts a ticket signed by the published key, offline', async () => {
    const { jwk, sign } = await keyPair('ticket-1')
    const claims = await verifyTicket(await sign(CLAIMS), [jwk], NOW, subtle)
    expect(claims.sub).toBe('2026000700102015')
    expect(claims.name).toBe('王小明')
    expect(claims.seat).toBe(15)
  })

  it('refuses a changed claim, another key, an unknown kid', async () => {
    const { jwk, sign } = await keyPair('ticket-1')
    const token = await sign(CLAIMS)
    const [h, , s] = token.split('.')
    const forged = `${h}.${part({ ...CLAIMS, sub: '2026000700102016' })}.${s}`
    expect(await refusal(verifyTicket(forged, [jwk], NOW, subtle))).toBe('bad_signature')

    const other = await keyPair('ticket-1')
    expect(await refusal(verifyTicket(await other.sign(CLAIMS), [jwk], NOW, subtle))).toBe('bad_signature')
    const unknown = await keyPair('ticket-2')
    expect(await refusal(verifyTicket(await unknown.sign(CLAIMS), [jwk], NOW, subtle))).toBe('unknown_key')
  })

  it('refuses an expired ticket, another audience, another algorithm and garbage', async () => {
    const { jwk, sign } = await keyPair('ticket-1')
    const expired = await sign({ ...CLAIMS, exp: NOW / 1000 - 1 })
    expect(await refusal(verifyTicket(expired, [jwk], NOW, subtle))).toBe('expired')
    const elsewhere = await sign({ ...CLAIMS, aud: 'something-else' })
    expect(await refusal(verifyTicket(elsewhere, [jwk], NOW, subtle))).toBe('wrong_issuer')
    const none = await sign(CLAIMS, { alg: 'none', kid: 'ticket-1' })
    expect(await refusal(verifyTicket(none, [jwk], NOW, subtle))).toBe('malformed')
    expect(await refusal(verifyTicket('not a ticket', [jwk], NOW, subtle))).toBe('malformed')
    expect(await refusal(verifyTicket('a.b.c', [jwk], NOW, subtle))).toBe('malformed')
  })
})
