/** The check-in device's offline store (localStorage): the rosters it downloaded and the marks
 * made since the last sync. A mark gets its id (a UUID) and time here, on the device; the
 * server stores each id once, so sending a mark again after a lost answer is harmless. */

import type { Schemas } from '@/api/client'

export type Roster = Schemas['RosterOut']
export type MarkStatus = 'present' | 'absent'
export type Outcome = Schemas['CheckInResultOut']['outcome']

export interface QueuedMark {
  room_id: string
  session_id: string
  id: string
  ticket_number: string
  status: MarkStatus
  marked_at: string
}

export interface RejectedMark extends QueuedMark {
  outcome: Outcome
}

const PREFIX = 'skillcert.checkin.'
const QUEUE = `${PREFIX}queue`
const REJECTED = `${PREFIX}rejected`
const DEVICE = `${PREFIX}device`

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key)
    return raw === null ? fallback : (JSON.parse(raw) as T)
  } catch {
    return fallback
  }
}

function write(key: string, value: unknown): void {
  localStorage.setItem(key, JSON.stringify(value))
}

function rosterKey(roomId: string, sessionId: string): string {
  return `${PREFIX}roster.${roomId}.${sessionId}`
}

export function saveRoster(roster: Roster): void {
  write(rosterKey(roster.room_id, roster.session.session_id), roster)
}

export function loadRoster(roomId: string, sessionId: string): Roster | null {
  return read<Roster | null>(rosterKey(roomId, sessionId), null)
}

/** This device's id, made once and kept: the server records which device made each mark. */
export function deviceId(): string {
  let id = localStorage.getItem(DEVICE)
  if (!id) {
    id = `web-${crypto.randomUUID()}`
    localStorage.setItem(DEVICE, id)
  }
  return id
}

export function queued(roomId?: string, sessionId?: string): QueuedMark[] {
  return read<QueuedMark[]>(QUEUE, []).filter(
    (m) => (roomId === undefined || m.room_id === roomId) && (sessionId === undefined || m.session_id === sessionId),
  )
}

export function rejected(roomId: string, sessionId: string): RejectedMark[] {
  return read<RejectedMark[]>(REJECTED, []).filter((m) => m.room_id === roomId && m.session_id === sessionId)
}

export function enqueue(roomId: string, sessionId: string, ticketNumber: string, status: MarkStatus, at: Date = new Date()): QueuedMark {
  const mark: QueuedMark = {
    room_id: roomId,
    session_id: sessionId,
    id: crypto.randomUUID(),
    ticket_number: ticketNumber,
    status,
    marked_at: at.toISOString(),
  }
  write(QUEUE, [...read<QueuedMark[]>(QUEUE, []), mark])
  return mark
}

/** A candidate's status as this device knows it: its own unsynced marks over the roster's,
 * by the server's rule (any present mark wins). */
export function localStatus(roster: Roster, ticketNumber: string): MarkStatus | null {
  const mine = queued(roster.room_id, roster.session.session_id).filter((m) => m.ticket_number === ticketNumber)
  if (mine.some((m) => m.status === 'present')) return 'present'
  const candidate = roster.candidates.find((c) => c.ticket_number === ticketNumber)
  if (candidate?.status === 'present') return 'present'
  if (mine.length) return 'absent'
  return candidate?.status ?? null
}

export type Sender = (
  roomId: string,
  sessionId: string,
  body: Schemas['CheckInBatchIn'],
) => Promise<Schemas['CheckInSyncOut']>

/** Sends the queued marks, one batch per room and session. A mark leaves the queue once the
 * server has answered for it (stored, already stored, stored late, or not on the roster: the
 * last kept aside to show); a batch that could not be sent stays, to go with the next sync.
 * Returns how many marks the server answered for. */
export async function syncQueued(send: Sender): Promise<number> {
  const all = read<QueuedMark[]>(QUEUE, [])
  const groups = new Map<string, QueuedMark[]>()
  for (const m of all) {
    const key = `${m.room_id} ${m.session_id}`
    groups.set(key, [...(groups.get(key) ?? []), m])
  }
  let answered = 0
  for (const marks of groups.values()) {
    const { room_id, session_id } = marks[0]
    for (let i = 0; i < marks.length; i += 500) {
      const batch = marks.slice(i, i + 500)
      const result = await send(room_id, session_id, {
        device_id: deviceId(),
        records: batch.map(({ id, ticket_number, status, marked_at }) => ({ id, ticket_number, status, marked_at })),
      })
      const outcomes = new Map(result.results.map((r) => [r.id, r.outcome]))
      const refused = batch.filter((m) => outcomes.get(m.id) === 'unknown_ticket')
      if (refused.length) {
        write(REJECTED, [...read<RejectedMark[]>(REJECTED, []), ...refused.map((m) => ({ ...m, outcome: outcomes.get(m.id)! }))])
      }
      // Re-read: marks made while the batch was on its way stay queued.
      write(QUEUE, read<QueuedMark[]>(QUEUE, []).filter((m) => !outcomes.has(m.id)))
      answered += outcomes.size
    }
  }
  return answered
}
