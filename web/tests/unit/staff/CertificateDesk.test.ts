import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import CertificateDesk from '@/components/staff/CertificateDesk.vue'

// The API client keeps the fetch it found when it was created: replace it before any import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<(input: Request) => Promise<Response>>()
  globalThis.fetch = mock as unknown as typeof fetch
  return mock
})

const confirmAct = vi.fn<(message: string) => Promise<boolean>>()
vi.mock('@/components/staff/confirm', () => ({ confirmAct: (message: string) => confirmAct(message) }))

function certificate(id: string, status: string, name: string) {
  return {
    id,
    status,
    number: null,
    holder_name: name,
    id_number: '110101********0136',
    ticket_number: 'T2026000001',
    candidate_id: 'c',
    application_id: 'a',
    plan_id: 'p',
    occupation_name: '电子商务师',
    level_name: '一级/高级技师',
    org_id: 'ORG-DEMO',
    org_name: '示例评价组织',
    institution_id: 'INST-DEMO',
    institution_name: '示例职业技术学院',
    head_signer_name: null,
    head_signed_at: null,
    org_signer_name: null,
    org_signed_at: null,
    issued_at: null,
    rejection_reason: null,
    rejected_at: null,
    revocation_reason: null,
    revoked_at: null,
    created_at: '2026-12-01T02:00:00Z',
  }
}

interface Seen {
  method: string
  url: string
  body: unknown
}
let seen: Seen[] = []

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  })
}

// Transitions rendered for real: the field's error message lives inside one.
const mountDesk = () =>
  mount(CertificateDesk, {
    props: { signer: 'head' },
    attachTo: document.body,
    global: { stubs: { transition: false, 'transition-group': false } },
  })

beforeEach(() => {
  seen = []
  confirmAct.mockReset()
  fetchMock.mockImplementation(async (input: Request) => {
      const body = input.method === 'POST' ? await input.clone().text() : ''
      seen.push({ method: input.method, url: input.url, body: body ? JSON.parse(body) : null })
      const path = new URL(input.url).pathname
      if (input.method === 'GET') {
        return json({ items: [certificate('1', 'pending_head_signature', '王小明'), certificate('2', 'pending_head_signature', '李华')], next_cursor: null })
      }
      if (path.endsWith('/reject')) {
        return json({ title: '提交的数据有误', status: 422, errors: [{ field: 'reason', message: '内容过短' }] }, 422)
      }
      if (path.endsWith('/batch-sign')) {
        return json({
          signed: 1,
          failed: 1,
          items: [
            { id: '1', ok: true, status: 'pending_org_signature' },
            { id: '2', ok: false, error: { status: 409, title: '状态冲突', detail: '该证书已被拒绝签发' } },
          ],
        })
      }
      return json({ ...certificate('1', 'pending_org_signature', '王小明') })
  })
})

describe('CertificateDesk', () => {
  it('lists the certificates waiting for this signer', async () => {
    const wrapper = mountDesk()
    await flushPromises()
    expect(new URL(seen[0].url).searchParams.get('status')).toBe('pending_head_signature')
    expect(wrapper.findAll('[data-test=sign]')).toHaveLength(2)
    expect(wrapper.text()).toContain('110101********0136')
    wrapper.unmount()
  })

  it('signs nothing unless the signature is confirmed', async () => {
    const wrapper = mountDesk()
    await flushPromises()
    confirmAct.mockResolvedValue(false)
    await wrapper.find('[data-test=sign]').trigger('click')
    await flushPromises()
    expect(confirmAct).toHaveBeenCalledOnce()
    expect(confirmAct.mock.calls[0][0]).toContain('王小明')
    expect(seen.filter((s) => s.method === 'POST')).toEqual([])

    confirmAct.mockResolvedValue(true)
    await wrapper.find('[data-test=sign]').trigger('click')
    await flushPromises()
    const posts = seen.filter((s) => s.method === 'POST')
    expect(posts.map((p) => new URL(p.url).pathname)).toEqual(['/api/v1/certificate/certificates/1/sign'])
    wrapper.unmount()
  })

  it('reports a batch signature per certificate, failures by holder', async () => {
    const wrapper = mountDesk()
    await flushPromises()
    confirmAct.mockResolvedValue(true)
    await wrapper.findAll('tbody .el-checkbox__original').forEach((box) => box.setValue(true))
    await flushPromises()
    await wrapper.find('[data-test=batch-sign]').trigger('click')
    await flushPromises()
    const batch = seen.find((s) => s.url.endsWith('/batch-sign'))
    expect(batch?.body).toEqual({ ids: ['1', '2'] })
    expect(wrapper.find('[data-test=batch-result]').text()).toContain('成功 1 份，失败 1 份')
    expect(wrapper.find('[data-test=batch-result]').text()).toContain('李华：该证书已被拒绝签发')
    wrapper.unmount()
  })

  it('shows a refused rejection reason at the reason field and keeps what was typed', async () => {
    const wrapper = mountDesk()
    await flushPromises()
    await wrapper.find('[data-test=reject]').trigger('click')
    await flushPromises()
    const reason = document.querySelector<HTMLTextAreaElement>('[data-test=reason] textarea, textarea[data-test=reason]')!
    reason.value = '否'
    reason.dispatchEvent(new Event('input'))
    document.querySelector<HTMLButtonElement>('[data-test=reason-submit]')!.click()
    const item = reason.closest('.el-form-item')!
    await vi.waitFor(() => expect(item.querySelector('.el-form-item__error')?.textContent).toContain('内容过短'))
    expect(reason.value).toBe('否')
    wrapper.unmount()
  })
})
