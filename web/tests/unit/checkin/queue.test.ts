import { beforeEach, describe, expect, it } from 'vitest'
import { enqueue, localStatus, queued, rejected, syncQueued, type Roster, type Sender } from '@/checkin/queue'

const roster = {
  room_id: 'r1',
  session: { session_id: 's1' },
  candidates: [
    { ticket_number: '2026000700102001', status: null },
    { ticket_number: '2026000700102002', status: 'present' },
  ],
} as unknown as Roster

beforeEach(() => localStorage.clear())

describe('the offline check-in queue', () => {
  it('keeps marks until the server answers, and only those it answered for leave', async () => {
    enqueue('r1', 's1', '2026000700102001', 'present')
    enqueue('r1', 's1', '9999999999999999', 'present')
    expect(queued('r1', 's1')).toHaveLength(2)
    expect(localStatus(roster, '2026000700102001')).toBe('present')

    const offline: Sender = () => Promise.reject(new Error('offline'))
    await expect(syncQueued(offline)).rejects.toThrow('offline')
    expect(queued()).toHaveLength(2)

    const sent: string[][] = []
    const online: Sender = async (_room, _session, body) => {
      sent.push(body.records.map((r) => r.id))
      return {
        expected: 2,
        present: 1,
        results: body.records.map((r) => ({
          id: r.id,
          outcome: r.ticket_number.startsWith('9') ? ('unknown_ticket' as const) : ('accepted' as const),
        })),
      }
    }
    expect(await syncQueued(online)).toBe(2)
    expect(queued()).toEqual([])
    expect(rejected('r1', 's1').map((m) => m.ticket_number)).toEqual(['9999999999999999'])
    expect(sent).toHaveLength(1)
  })

  it('lets a present mark win over an absent one, as the server does', () => {
    enqueue('r1', 's1', '2026000700102002', 'absent')
    expect(localStatus(roster, '2026000700102002')).toBe('present')
    enqueue('r1', 's1', '2026000700102001', 'absent')
    expect(localStatus(roster, '2026000700102001')).toBe('absent')
  })
})
