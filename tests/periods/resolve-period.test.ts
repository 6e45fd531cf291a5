import { describe, expect, it } from 'vitest'
import { localDay, parsePeriod, resolvePeriod, type ResolvedPeriod } from '../../bot/periods.ts'

function resolve(arg: string, now: string, timeZone: string, firstDay: string | null = '2026-01-15') {
  const spec = parsePeriod(arg)
  if ('error' in spec) throw new Error(spec.error)
  return resolvePeriod(spec, { now: new Date(now), timeZone, firstDay })
}

type Row = [arg: string, from: string, to: string, prevFrom: string | null, prevTo: string | null, days: number, label: string]

function check(rows: Row[], now: string, timeZone: string) {
  for (const [arg, from, to, prevFrom, prevTo, days, label] of rows) {
    const expected: ResolvedPeriod = {
      key: arg,
      range: { from, to },
      previous: prevFrom && prevTo ? { from: prevFrom, to: prevTo } : null,
      days,
      label,
    }
    expect(resolve(arg, now, timeZone), `${arg} in ${timeZone}`).toEqual(expected)
  }
}

// 2026-10-25 22:30 UTC, the evening Europe went back to winter time:
// Berlin 23:30 CET (Oct 25), New York 18:30 EDT (Oct 25), Kathmandu 04:15 (Oct 26), Adelaide 09:00 ACDT (Oct 26).
const NOW = '2026-10-25T22:30:00Z'

describe('resolvePeriod: every form in several zones at one instant', () => {
  const onOct25: Row[] = [
    ['today', '2026-10-25', '2026-10-25', '2026-10-24', '2026-10-24', 1, 'today (25 Oct 2026)'],
    ['yesterday', '2026-10-24', '2026-10-24', '2026-10-23', '2026-10-23', 1, 'yesterday (24 Oct 2026)'],
    ['7d', '2026-10-19', '2026-10-25', '2026-10-12', '2026-10-18', 7, 'last 7 days (19–25 Oct 2026)'],
    ['30d', '2026-09-26', '2026-10-25', '2026-08-27', '2026-09-25', 30, 'last 30 days (26 Sep – 25 Oct 2026)'],
    ['90d', '2026-07-28', '2026-10-25', '2026-04-29', '2026-07-27', 90, 'last 90 days (28 Jul – 25 Oct 2026)'],
    ['1y', '2025-10-26', '2026-10-25', '2024-10-26', '2025-10-25', 365, 'last 365 days (26 Oct 2025 – 25 Oct 2026)'],
    ['all', '2026-01-15', '2026-10-25', null, null, 284, 'all time (15 Jan – 25 Oct 2026)'],
    ['2026-09', '2026-09-01', '2026-09-30', '2026-08-02', '2026-08-31', 30, 'September 2026'],
    ['2026-10', '2026-10-01', '2026-10-25', '2026-09-06', '2026-09-30', 25, 'October 2026 so far (1–25 Oct 2026)'],
    ['2026-02', '2026-02-01', '2026-02-28', '2026-01-04', '2026-01-31', 28, 'February 2026'],
    ['2024-02', '2024-02-01', '2024-02-29', '2024-01-03', '2024-01-31', 29, 'February 2024'],
    ['2026-10-01..2026-10-31', '2026-10-01', '2026-10-25', '2026-09-06', '2026-09-30', 25, '1–25 Oct 2026 so far'],
    ['2026-03-01..2026-03-31', '2026-03-01', '2026-03-31', '2026-01-29', '2026-02-28', 31, '1–31 Mar 2026'],
    ['2025-12-30..2026-01-02', '2025-12-30', '2026-01-02', '2025-12-26', '2025-12-29', 4, '30 Dec 2025 – 2 Jan 2026'],
    ['2026-10-25', '2026-10-25', '2026-10-25', '2026-10-24', '2026-10-24', 1, '25 Oct 2026'],
  ]
  const onOct26: Row[] = [
    ['today', '2026-10-26', '2026-10-26', '2026-10-25', '2026-10-25', 1, 'today (26 Oct 2026)'],
    ['yesterday', '2026-10-25', '2026-10-25', '2026-10-24', '2026-10-24', 1, 'yesterday (25 Oct 2026)'],
    ['7d', '2026-10-20', '2026-10-26', '2026-10-13', '2026-10-19', 7, 'last 7 days (20–26 Oct 2026)'],
    ['30d', '2026-09-27', '2026-10-26', '2026-08-28', '2026-09-26', 30, 'last 30 days (27 Sep – 26 Oct 2026)'],
    ['90d', '2026-07-29', '2026-10-26', '2026-04-30', '2026-07-28', 90, 'last 90 days (29 Jul – 26 Oct 2026)'],
    ['1y', '2025-10-27', '2026-10-26', '2024-10-27', '2025-10-26', 365, 'last 365 days (27 Oct 2025 – 26 Oct 2026)'],
    ['all', '2026-01-15', '2026-10-26', null, null, 285, 'all time (15 Jan – 26 Oct 2026)'],
    ['2026-09', '2026-09-01', '2026-09-30', '2026-08-02', '2026-08-31', 30, 'September 2026'],
    ['2026-10', '2026-10-01', '2026-10-26', '2026-09-05', '2026-09-30', 26, 'October 2026 so far (1–26 Oct 2026)'],
    ['2026-10-01..2026-10-31', '2026-10-01', '2026-10-26', '2026-09-05', '2026-09-30', 26, '1–26 Oct 2026 so far'],
    ['2026-10-26', '2026-10-26', '2026-10-26', '2026-10-25', '2026-10-25', 1, '26 Oct 2026'],
  ]

  it('Europe/Berlin (just after the autumn change to CET)', () => check(onOct25, NOW, 'Europe/Berlin'))
  it('America/New_York (still EDT)', () => check(onOct25, NOW, 'America/New_York'))
  it('UTC', () => check(onOct25, NOW, 'UTC'))
  it('Asia/Kathmandu (+5:45, already the next day)', () => check(onOct26, NOW, 'Asia/Kathmandu'))
  it('Australia/Adelaide (+10:30 in summer, already the next day)', () => check(onOct26, NOW, 'Australia/Adelaide'))
})

describe('resolvePeriod: edge cases', () => {
  it('starts `all` at today when nothing is recorded yet', () => {
    expect(resolve('all', NOW, 'UTC', null)).toEqual({
      key: 'all', range: { from: '2026-10-25', to: '2026-10-25' }, previous: null, days: 1, label: 'all time (25 Oct 2026)',
    })
  })

  it('refuses months and ranges that have not started yet, in local time', () => {
    expect(resolve('2026-11', NOW, 'Europe/Berlin')).toEqual({ error: 'November 2026 has not started yet' })
    expect(resolve('2026-10-26..2026-10-30', NOW, 'Europe/Berlin')).toEqual({ error: '2026-10-26 is in the future' })
    // Already 26 October in Kathmandu: the same range has begun.
    expect(resolve('2026-10-26..2026-10-30', NOW, 'Asia/Kathmandu')).toMatchObject({ range: { from: '2026-10-26', to: '2026-10-26' } })
  })
})

// Each case: an instant just before and just after a local midnight, written out by hand.
describe('today around DST changes and odd offsets', () => {
  const cases: [zone: string, instant: string, day: string][] = [
    // Berlin, spring forward 2026-03-29 01:00 UTC (02:00 CET → 03:00 CEST).
    ['Europe/Berlin', '2026-03-28T22:59:59Z', '2026-03-28'], // 23:59:59 CET
    ['Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29'], // 00:00 CET
    ['Europe/Berlin', '2026-03-29T21:59:59Z', '2026-03-29'], // 23:59:59 CEST
    ['Europe/Berlin', '2026-03-29T22:00:00Z', '2026-03-30'], // 00:00 CEST, an hour earlier in UTC than the night before
    // Berlin, fall back 2026-10-25 01:00 UTC (03:00 CEST → 02:00 CET): a 25-hour day.
    ['Europe/Berlin', '2026-10-24T21:59:59Z', '2026-10-24'],
    ['Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25'], // 00:00 CEST
    ['Europe/Berlin', '2026-10-25T22:59:59Z', '2026-10-25'], // 23:59:59 CET
    ['Europe/Berlin', '2026-10-25T23:00:00Z', '2026-10-26'],
    // New York, spring forward 2026-03-08 07:00 UTC; fall back 2026-11-01 06:00 UTC.
    ['America/New_York', '2026-03-08T04:59:59Z', '2026-03-07'],
    ['America/New_York', '2026-03-08T05:00:00Z', '2026-03-08'], // 00:00 EST
    ['America/New_York', '2026-03-09T03:59:59Z', '2026-03-08'], // 23:59:59 EDT
    ['America/New_York', '2026-03-09T04:00:00Z', '2026-03-09'],
    ['America/New_York', '2026-11-01T03:59:59Z', '2026-10-31'], // 23:59:59 EDT
    ['America/New_York', '2026-11-01T04:00:00Z', '2026-11-01'],
    ['America/New_York', '2026-11-02T04:59:59Z', '2026-11-01'], // 23:59:59 EST
    ['America/New_York', '2026-11-02T05:00:00Z', '2026-11-02'],
    // Adelaide: +10:30 until 2026-04-05 03:00 local, +9:30 until 2026-10-04 02:00 local.
    ['Australia/Adelaide', '2026-04-04T13:29:59Z', '2026-04-04'],
    ['Australia/Adelaide', '2026-04-04T13:30:00Z', '2026-04-05'], // 00:00 ACDT
    ['Australia/Adelaide', '2026-04-05T14:29:59Z', '2026-04-05'], // 23:59:59 ACST
    ['Australia/Adelaide', '2026-04-05T14:30:00Z', '2026-04-06'],
    ['Australia/Adelaide', '2026-10-03T14:29:59Z', '2026-10-03'], // 23:59:59 ACST
    ['Australia/Adelaide', '2026-10-03T14:30:00Z', '2026-10-04'],
    ['Australia/Adelaide', '2026-10-04T13:29:59Z', '2026-10-04'], // 23:59:59 ACDT
    ['Australia/Adelaide', '2026-10-04T13:30:00Z', '2026-10-05'],
    // Kathmandu +5:45 and Kolkata +5:30, no DST.
    ['Asia/Kathmandu', '2026-11-22T18:14:59Z', '2026-11-22'],
    ['Asia/Kathmandu', '2026-11-22T18:15:00Z', '2026-11-23'],
    ['Asia/Kolkata', '2026-11-22T18:29:59Z', '2026-11-22'],
    ['Asia/Kolkata', '2026-11-22T18:30:00Z', '2026-11-23'],
  ]

  it.each(cases)('%s at %s is %s', (zone, instant, day) => {
    expect(localDay(new Date(instant), zone)).toBe(day)
    expect(resolve('today', instant, zone)).toMatchObject({ range: { from: day, to: day } })
  })

  it('gives the DST weeks seven local days each way', () => {
    // The week ending on the spring-forward Sunday (Berlin) and the fall-back Sunday (New York).
    expect(resolve('7d', '2026-03-29T21:00:00Z', 'Europe/Berlin')).toMatchObject({
      range: { from: '2026-03-23', to: '2026-03-29' }, previous: { from: '2026-03-16', to: '2026-03-22' }, days: 7,
    })
    expect(resolve('7d', '2026-11-02T04:30:00Z', 'America/New_York')).toMatchObject({
      range: { from: '2026-10-26', to: '2026-11-01' }, previous: { from: '2026-10-19', to: '2026-10-25' }, days: 7,
    })
    // Adelaide's spring-forward Sunday, one minute before its midnight.
    expect(resolve('yesterday', '2026-10-04T13:29:00Z', 'Australia/Adelaide')).toMatchObject({ range: { from: '2026-10-03', to: '2026-10-03' } })
  })
})
