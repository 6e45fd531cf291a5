import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { type Call, Harness, keyboardOf, photoBytes } from './support/harness.ts'
import { change, count, rawBusiestHour, rawFirstDay, rawTop, rawTotals, signed } from './support/raw-figures.ts'
import { ADMIN, groupTraffic, NAMES } from './support/traffic.ts'
import { type TestChat, Updates } from './support/updates.ts'

// 10:00 UTC on Monday 26 October 2026: the same local date (26 Oct) in all three zones below,
// a day after Europe went back to winter time.
const NOW = new Date('2026-10-26T10:00:00Z')
const CHAT: TestChat = { id: -1003000000001, title: 'Fruit Lovers 🍓' }

let db: TestDatabase
let harness: Harness
const u = new Updates()

beforeAll(async () => {
  db = await createTestDatabase('features_raw')
  harness = new Harness({ db, now: NOW })
  harness.setAdmin(CHAT.id, ADMIN.id)
  await harness.feed(groupTraffic(u, CHAT, '2026-05-20T00:00:00Z', '2026-10-26T09:00:00Z'))
})
afterAll(async () => {
  await harness?.close()
  await db?.drop()
})

type Period = [arg: string, from: string | null, to: string, previous: [string, string] | null]
// Written out by hand from the definitions (see tests/periods); `null` from = the first recorded day.
const PERIODS: Period[] = [
  ['today', '2026-10-26', '2026-10-26', ['2026-10-25', '2026-10-25']],
  ['yesterday', '2026-10-25', '2026-10-25', ['2026-10-24', '2026-10-24']],
  ['7d', '2026-10-20', '2026-10-26', ['2026-10-13', '2026-10-19']],
  ['', '2026-09-27', '2026-10-26', ['2026-08-28', '2026-09-26']],
  ['90d', '2026-07-29', '2026-10-26', ['2026-04-30', '2026-07-28']],
  ['1y', '2025-10-27', '2026-10-26', ['2024-10-27', '2025-10-26']],
  ['all', null, '2026-10-26', null],
  ['2026-10', '2026-10-01', '2026-10-26', ['2026-09-05', '2026-09-30']],
  ['2026-09-01..2026-09-30', '2026-09-01', '2026-09-30', ['2026-08-02', '2026-08-31']],
  ['2026-10-25', '2026-10-25', '2026-10-25', ['2026-10-24', '2026-10-24']],
]

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const dayText = (day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return `${WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7]} ${d} ${MONTHS[m - 1]} ${y}`
}

async function command(text: string): Promise<Call[]> {
  return harness.handle(u.command(CHAT, ADMIN, text, NOW.toISOString()))
}

function onlyCall(calls: Call[], method: string): Call {
  const matching = calls.filter((c) => c.method === method)
  expect(matching, `${method} among ${calls.map((c) => c.method).join(', ')}`).toHaveLength(1)
  return matching[0]!
}

function expectNoMarkup(payload: Record<string, unknown>) {
  for (const key of ['parse_mode', 'entities', 'caption_entities']) expect(payload[key], key).toBeUndefined()
}

/** The figure lines of /stats, built from the raw rows. */
async function expectedStatsLines(zone: string, from: string, to: string, previous: [string, string] | null): Promise<string[]> {
  const t = await rawTotals(db.sql, CHAT.id, zone, from, to)
  const p = previous ? await rawTotals(db.sql, CHAT.id, zone, ...previous) : undefined
  const vs = (a: number, b: number | undefined) => (b === undefined ? '' : ` (${change(a, b)})`)
  const perUser = (x: { messages: number; senders: number }) => x.messages / x.senders
  const decimal = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
  return [
    `Messages: ${count(t.messages)}${vs(t.messages, p?.messages)}`,
    `Active users: ${count(t.senders)}${vs(t.senders, p?.senders)}`,
    `Messages per active user: ${t.senders ? decimal(perUser(t)) : '—'}${p && t.senders && p.senders ? ` (${change(perUser(t), perUser(p))})` : ''}`,
    `Joins: ${count(t.joins)}${vs(t.joins, p?.joins)}`,
    `Leaves: ${count(t.leaves)}${vs(t.leaves, p?.leaves)}`,
    `Net growth: ${signed(t.joins - t.leaves)}${p ? ` (before: ${signed(p.joins - p.leaves)})` : ''}`,
    `Reactions: ${count(t.reactions)}${vs(t.reactions, p?.reactions)}`,
    `Busiest day: ${t.busiest ? `${dayText(t.busiest.day)}, ${count(t.busiest.n)} messages` : 'none'}`,
  ]
}

describe.each(['UTC', 'Europe/Berlin', 'Asia/Kathmandu'])('answers in %s match the raw rows', (zone) => {
  beforeAll(async () => {
    const calls = await command(`/timezone ${zone.toLowerCase()}`)
    expect(onlyCall(calls, 'sendMessage').payload.text).toMatch(new RegExp(`^Time zone set to ${zone} \\(`))
  })

  it.each(PERIODS)('/stats %s', async (arg, from, to, previous) => {
    const calls = await command(`/stats ${arg}`.trim())
    const photo = onlyCall(calls, 'sendPhoto').payload
    const first = from ?? (await rawFirstDay(db.sql, CHAT.id, zone))
    const caption = photo.caption as string
    const lines = caption.split('\n')
    expect(lines[0]).toMatch(/^📊 Statistics — /)
    expect(lines[1]).toBe(`Time zone: ${zone}`)
    expect(lines.slice(3, 11)).toEqual(await expectedStatsLines(zone, first, to, previous))
    if (previous) expect(caption).toMatch(/\n\nChanges are against .+\.$/)
    else expect(caption).not.toContain('Changes are against')
    expectNoMarkup(photo)
    const png = await photoBytes(photo.photo)
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    const buttons = keyboardOf(photo).flat()
    expect(buttons.map((b) => b.text.replaceAll('•', '').trim())).toEqual(['7d', '30d', '90d', 'all'])
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64)
  })

  it.each(PERIODS.filter(([arg]) => ['7d', '', 'all', '2026-10-25'].includes(arg)))('/heatmap %s', async (arg, from, to) => {
    const calls = await command(`/heatmap ${arg}`.trim())
    const photo = onlyCall(calls, 'sendPhoto').payload
    const peak = await rawBusiestHour(db.sql, CHAT.id, zone, from ?? (await rawFirstDay(db.sql, CHAT.id, zone)), to)
    const hh = (h: number) => `${String(h).padStart(2, '0')}:00`
    const caption = photo.caption as string
    expect(caption.split('\n')[1]).toBe(`Time zone: ${zone}`)
    expect(caption.split('\n').at(-1)).toBe(
      peak ? `Busiest: ${WEEKDAYS[peak.dow - 1]} ${hh(peak.hour)}–${hh(peak.hour + 1)} (${count(peak.n)} messages)` : 'Busiest: no messages in this period',
    )
    expect((await photoBytes(photo.photo)).subarray(1, 4).toString('latin1')).toBe('PNG')
  })

  it.each([
    ['/top', 'messages'],
    ['/top 7d', 'messages'],
    ['/top all', 'messages'],
    ['/top reactions', 'reactions'],
    ['/top reactions 2026-10', 'reactions'],
    ['/top Reactions yesterday', 'reactions'],
  ] as const)('%s', async (text, by) => {
    const arg = text.split(' ').slice(by === 'reactions' ? 2 : 1).join(' ')
    const [, from, to] = PERIODS.find(([a]) => a === arg)!
    const calls = await command(text)
    const message = onlyCall(calls, 'sendMessage').payload
    const expected = await rawTop(db.sql, CHAT.id, zone, from ?? (await rawFirstDay(db.sql, CHAT.id, zone)), to, by)
    const lines = (message.text as string).split('\n')
    expect(lines[0]).toMatch(by === 'messages' ? /^🏆 Top senders — / : /^🏆 Top by reactions received — /)
    expect(lines[1]).toBe(`Time zone: ${zone}`)
    const shown = expected.top.map(({ senderId, n }, i) => {
      // Hand-made: the name isolated for bidi, and '@' followed by a word joiner so it cannot ping.
      const name = senderId === CHAT.id ? CHAT.title : NAMES.get(senderId)!
      return `${i + 1}. \u2068${name.replaceAll('@', '@\u2060')}\u2069 — ${count(n)} (${((n / expected.total) * 100).toFixed(1)}%)`
    })
    expect(lines.slice(3)).toEqual(
      expected.total > 0 ? [...shown, '', `Total: ${count(expected.total)} ${by}`] : [by === 'messages' ? 'No messages in this period.' : 'No reactions in this period.'],
    )
    expectNoMarkup(message)
    expect(message.link_preview_options).toEqual({ is_disabled: true })
  })
})

describe('names', () => {
  it('shows every script and emoji as it is, and nothing in the list can mention anyone', async () => {
    await command('/timezone UTC')
    const text = onlyCall(await command('/top all'), 'sendMessage').payload.text as string
    for (const name of ['Anna 🌸 Blume', 'محمد العربي', 'דנה', '李雷', 'News 📰']) expect(text).toContain(`\u2068${name}\u2069`)
    expect(text).toContain('\u2068@\u2060everyone Zoë 🦊\u2069')
    // No bare @word and no username anywhere: Telegram would turn those into pinging mentions.
    expect(text).not.toMatch(/@[A-Za-z0-9_]/)
    for (const handle of ['anna_b', 'zoe_fox', 'bob']) expect(text).not.toContain(handle)
  })
})
