// The UI's number and date rules without a browser: scores typed the Vietnamese way
// and checked exactly as the server checks them, times shown in the campaign's zone.
import { test, expect } from '@playwright/test'
import { formatDateTime, formatPoints, setCampaignOffset, fromUnits, parseDate, parseScore, toIso, toUnits } from '../src/lib/format'
import { language } from '../src/lib/i18n'

test('scores: 0,25 and 0.25 are the same, and wrong ones say why', () => {
  expect(parseScore('0,25', '0.5')).toEqual({ ok: true, value: '0.25' })
  expect(parseScore(' 0.25 ', '0.5')).toEqual({ ok: true, value: '0.25' })
  expect(parseScore('', '0.5')).toEqual({ ok: true, value: null })
  expect(parseScore('0,5', '0.5')).toEqual({ ok: true, value: '0.5' })
  expect(parseScore('0,5001', '0.5')).toEqual({ ok: false, problem: 'aboveMax' })
  expect(parseScore('0,12345', '1')).toEqual({ ok: false, problem: 'tooManyDecimals' })
  expect(parseScore('-0,25', '1')).toEqual({ ok: false, problem: 'negative' })
  expect(parseScore('1/2', '1')).toEqual({ ok: false, problem: 'invalidNumber' })
  expect(parseScore('0,2,5', '1')).toEqual({ ok: false, problem: 'invalidNumber' })
  // Exact: 0.1 + 0.2 is 0.3 in ten-thousandths, as on the server.
  expect(fromUnits(toUnits('0.1') + toUnits('0.2'))).toBe('0.3')
  expect(fromUnits(toUnits('-8.9'))).toBe('-8.9')
})

test('numbers are written with a decimal comma in Vietnamese only', () => {
  language.value = 'vi'
  expect(formatPoints('0.25')).toBe('0,25')
  language.value = 'en'
  expect(formatPoints('0.25')).toBe('0.25')
  language.value = 'vi'
  expect(formatPoints(null)).toBe('—')
})

test('times are the campaign zone’s wall clock, whatever the PC’s zone', () => {
  expect(formatDateTime('2025-01-31T17:00:00+07:00')).toBe('31/01/2025 17:00')
  expect(formatDateTime('2025-01-31T23:59:59.123+07:00')).toBe('31/01/2025 23:59')
  // Times the API gives in UTC (evidence, audit) are shown in the campaign's zone.
  setCampaignOffset('+07:00')
  expect(formatDateTime('2025-01-31T10:52:00.123Z')).toBe('31/01/2025 17:52')
  expect(formatDateTime('2025-01-31T20:00:00Z')).toBe('01/02/2025 03:00')
  expect(formatDateTime('2025-01-31T17:00:00+07:00')).toBe('31/01/2025 17:00')
  expect(toIso('31/3/2025', '17:00', '+07:00')).toBe('2025-03-31T17:00:00+07:00')
  expect(toIso('31/02/2025', '17:00', '+07:00')).toBeNull()
  expect(toIso('31/03/2025', '24:00', '+07:00')).toBeNull()
  expect(parseDate('15/01/2024')).toBe('2024-01-15')
  expect(parseDate('')).toBe('')
  expect(parseDate('2024-01-15')).toBeNull()
})
