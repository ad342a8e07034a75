/** Times people read are China time, whatever the browser's zone. */
const TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})
const DATE = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

export function formatTime(iso: string | null | undefined): string {
  return iso ? TIME.format(new Date(iso)) : '—'
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? DATE.format(new Date(iso)) : '—'
}

/** Amounts travel in fen (分). */
export function formatFen(fen: number | null | undefined): string {
  return fen == null ? '—' : `¥${(fen / 100).toFixed(2)}`
}
