import { describe, expect, it } from 'vitest'
import { canonicalTimeZone, localTime, utcOffsetLabel } from '../../bot/periods.ts'

describe('canonicalTimeZone', () => {
  it('accepts IANA names in any case and returns their usual spelling', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin')
    expect(canonicalTimeZone('  AMERICA/NEW_YORK ')).toBe('America/New_York')
    expect(canonicalTimeZone('utc')).toBe('UTC')
    expect(canonicalTimeZone('Australia/Adelaide')).toBe('Australia/Adelaide')
    expect(canonicalTimeZone('america/port-au-prince')).toBe('America/Port-au-Prince')
    expect(canonicalTimeZone('america/argentina/buenos_aires')).toBe('America/Argentina/Buenos_Aires')
    expect(canonicalTimeZone('etc/gmt+5')).toBe('Etc/GMT+5')
  })

  it('keeps current names that older ICU data lists under an old one', () => {
    expect(canonicalTimeZone('asia/kolkata')).toBe('Asia/Kolkata')
    expect(canonicalTimeZone('Asia/Kathmandu')).toBe('Asia/Kathmandu')
    expect(canonicalTimeZone('europe/kyiv')).toBe('Europe/Kyiv')
  })

  it('refuses what is not an IANA zone', () => {
    for (const bad of ['', 'Berlin', 'Mars/Olympus_Mons', 'CET+1', '+05:30', 'GMT+3', 'EST', 'Europe/Berlin; DROP TABLE chats', '../etc/passwd']) {
      expect(canonicalTimeZone(bad), bad).toBeUndefined()
    }
  })
})

describe('utcOffsetLabel and localTime', () => {
  it('follow the zone at the given instant', () => {
    expect(utcOffsetLabel('Asia/Kathmandu', new Date('2026-11-22T18:15:00Z'))).toBe('UTC+05:45')
    expect(utcOffsetLabel('Australia/Adelaide', new Date('2026-01-10T00:00:00Z'))).toBe('UTC+10:30')
    expect(utcOffsetLabel('Australia/Adelaide', new Date('2026-07-10T00:00:00Z'))).toBe('UTC+09:30')
    expect(utcOffsetLabel('America/New_York', new Date('2026-07-10T00:00:00Z'))).toBe('UTC-04:00')
    expect(utcOffsetLabel('UTC', new Date('2026-07-10T00:00:00Z'))).toBe('UTC')
    expect(localTime('Asia/Kathmandu', new Date('2026-11-22T18:15:00Z'))).toBe('00:00')
    expect(localTime('Europe/Berlin', new Date('2026-10-25T00:59:00Z'))).toBe('02:59')
    expect(localTime('Europe/Berlin', new Date('2026-10-25T01:00:00Z'))).toBe('02:00')
  })
})
