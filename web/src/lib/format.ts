// Dates, times and numbers as Vietnamese officials write them. Times come from the
// server already in the campaign's time zone ("2025-01-31T17:00:00+07:00"), so the
// wall-clock part is shown as it is: the PC's own time zone never shifts it.
import { language } from './i18n'

const isoParts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

// The campaign's UTC offset ("+07:00"), taken from the server's own times
// (syncServerTime): times the API gives in UTC (evidence, audit) are shown in it.
let campaignOffset: string | null = null
export function setCampaignOffset(offset: string) { campaignOffset = offset }

const minutesOf = (offset: string) =>
  offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)))

// "31/01/2025 17:00" (dd/mm/yyyy HH:mm) for an ISO time, in the campaign's zone; "—"
// for none.
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const m = isoParts.exec(iso)
  if (!m) return iso
  if (campaignOffset && m[7] !== campaignOffset && !(m[7] === 'Z' && campaignOffset === '+00:00')) {
    const d = new Date(Date.parse(iso) + minutesOf(campaignOffset) * 60_000)
    const p = (n: number) => String(n).padStart(2, '0')
    return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
  }
  return `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}`
}

// "31/01/2025" for "2025-01-31" or an ISO time.
export function formatDate(text: string | null | undefined): string {
  if (!text) return '—'
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text)
  return m ? `${m[3]}/${m[2]}/${m[1]}` : text
}

// The offset of an ISO time ("+07:00"), to write new times in the same zone.
export function offsetOf(iso: string): string {
  const m = isoParts.exec(iso)
  return m ? (m[7] === 'Z' ? '+00:00' : m[7]) : '+07:00'
}

// "31/03/2025" + "17:00" in the zone of `offset` → "2025-03-31T17:00:00+07:00", or null.
export function toIso(date: string, time: string, offset: string): string | null {
  const d = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(date)
  const t = /^\s*(\d{1,2})[:h.](\d{2})\s*$/.exec(time)
  if (!d || !t) return null
  const [day, month, year, hour, minute] = [+d[1], +d[2], +d[3], +t[1], +t[2]]
  const check = new Date(Date.UTC(year, month - 1, day))
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || hour > 23 || minute > 59) return null
  const p = (n: number) => String(n).padStart(2, '0')
  return `${year}-${p(month)}-${p(day)}T${p(hour)}:${p(minute)}:00${offset}`
}

// "15/01/2024" → "2024-01-15" (a document's issue date), "" when empty, null when wrong.
export function parseDate(text: string): string | null {
  if (!text.trim()) return ''
  const d = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text)
  if (!d) return null
  const check = new Date(Date.UTC(+d[3], +d[2] - 1, +d[1]))
  if (check.getUTCDate() !== +d[1] || check.getUTCMonth() !== +d[2] - 1) return null
  return `${d[3]}-${d[2].padStart(2, '0')}-${d[1].padStart(2, '0')}`
}

// A decimal string from the API ("0.25") as written in the chosen language ("0,25").
export function formatPoints(s: string | null | undefined): string {
  if (s === null || s === undefined || s === '') return '—'
  return language.value === 'vi' ? s.replace('.', ',') : s
}

// "85.5" → "85,5 %"
export const formatPercent = (s: string | null | undefined) => (s ? `${formatPoints(s)} %` : '—')

export type ScoreCheck =
  | { ok: true; value: string | null }
  | { ok: false; problem: 'invalidNumber' | 'tooManyDecimals' | 'negative' | 'aboveMax' }

// What a person typed ("0,25", "0.25", " 1 ") as the API's decimal string, checked as the
// server checks it (≥ 0, ≤ max, at most 4 decimals); "" clears the score. Exact: no
// floating point, digits are compared as integers of ten-thousandths.
export function parseScore(text: string, max: string): ScoreCheck {
  const s = text.trim().replace(',', '.')
  if (s === '') return { ok: true, value: null }
  if (s.startsWith('-')) return /^-\d+(\.\d+)?$/.test(s) ? { ok: false, problem: 'negative' } : { ok: false, problem: 'invalidNumber' }
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s)
  if (!m) return { ok: false, problem: 'invalidNumber' }
  if ((m[2] ?? '').length > 4) return { ok: false, problem: 'tooManyDecimals' }
  if (toUnits(s) > toUnits(max)) return { ok: false, problem: 'aboveMax' }
  return { ok: true, value: s }
}

// Ten-thousandths of a point as a BigInt.
export function toUnits(s: string): bigint {
  const neg = s.startsWith('-')
  const [whole, frac = ''] = s.replace('-', '').split('.')
  const units = BigInt(whole || '0') * 10000n + BigInt((frac + '0000').slice(0, 4))
  return neg ? -units : units
}

export function fromUnits(u: bigint): string {
  const neg = u < 0n
  const a = neg ? -u : u
  const whole = a / 10000n
  const frac = (a % 10000n).toString().padStart(4, '0').replace(/0+$/, '')
  return (neg ? '-' : '') + whole.toString() + (frac ? '.' + frac : '')
}

export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  const text = i === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)
  return `${language.value === 'vi' ? text.replace('.', ',') : text} ${units[i]}`
}

export function formatDuration(seconds: number): string {
  if (!isFinite(seconds) || seconds < 0) return '—'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`
}
