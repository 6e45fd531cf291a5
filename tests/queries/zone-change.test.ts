import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import type { Update } from 'grammy/types'
import { BatchWriter } from '../../bot/ingest/batch-writer.ts'
import { mapUpdate } from '../../bot/ingest/map-update.ts'
import { resumeZoneChanges, setChatTimeZone, ZoneChangeSuperseded } from '../../db/queries/set-chat-time-zone.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { rng } from '../support/synthetic-updates.ts'

// A zone change rebuilds the per-sender days beside the live ones while ingest goes on, and
// switches over in one short step. Batches committed meanwhile must land in the new zone exactly once.
const CHAT = -1009100000001
const NOW = Math.floor(Date.now() / 1000)
let database: TestDatabase
let writer: BatchWriter
const random = rng(11)
let updateId = 0
let messageId = 0

const chat = { id: CHAT, type: 'supergroup' as const, title: 'Zones' }
const user = (u: number) => ({ id: 700 + u, is_bot: false, first_name: `U${u}` })

/** `n` messages at `date()`, each reacted to now and then by someone else. */
function traffic(n: number, date: () => number): Update[] {
  const updates: Update[] = []
  for (let i = 0; i < n; i++) {
    const u = Math.floor(random() ** 2 * 60)
    const mid = ++messageId
    const at = date()
    updates.push({ update_id: ++updateId, message: { message_id: mid, date: at, chat, from: user(u), text: 'x' } } as Update)
    if (random() < 0.2) {
      updates.push({ update_id: ++updateId, message_reaction: { chat, message_id: mid, date: Math.min(NOW, at + 60),
        user: user((u + 1) % 60), old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }] } } as Update)
    }
  }
  return updates
}
const withinDays = (days: number) => () => NOW - Math.floor(random() * days * 86_400)

async function ingest(updates: Update[]): Promise<void> {
  await Promise.all(updates.map((u) => writer.add(mapUpdate(u, 1).rows!)))
}

/** sender_day in force, and the same computed straight from the raw rows in `zone`. */
async function senderDays(zone: string) {
  const sql = database.sql
  const stored = await sql<{ day: string; sender_id: string; messages: number; reactions: number }[]>`
    SELECT s.day::text, s.sender_id, s.messages, s.reactions_received AS reactions FROM sender_day s
    JOIN chats c ON c.chat_id = s.chat_id AND c.zone_epoch = s.zone_epoch
    WHERE s.chat_id = ${CHAT} ORDER BY 1, 2`
  const raw = await sql<{ day: string; sender_id: string; messages: number; reactions: number }[]>`
    SELECT day::text, sender_id, sum(messages)::int AS messages, sum(reactions)::int AS reactions FROM (
      SELECT (date AT TIME ZONE ${zone})::date AS day, sender_id, 1 AS messages, 0 AS reactions FROM messages WHERE chat_id = ${CHAT}
      UNION ALL
      SELECT (r.date AT TIME ZONE ${zone})::date, m.sender_id, 0, r.added FROM reaction_events r
      JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id WHERE r.chat_id = ${CHAT} AND r.added > 0
    ) x GROUP BY 1, 2 ORDER BY 1, 2`
  return { stored, raw }
}

async function dailyRollups(zone: string) {
  const sql = database.sql
  const stored = await sql`SELECT day::text, messages FROM chat_activity_day WHERE chat_id = ${CHAT} AND messages > 0 ORDER BY 1`
  const raw = await sql`
    SELECT (date AT TIME ZONE ${zone})::date::text AS day, count(*)::int AS messages FROM messages WHERE chat_id = ${CHAT} GROUP BY 1 ORDER BY 1`
  return { stored, raw }
}

const epochsLeft = async () =>
  (await database.sql<{ zone_epoch: number }[]>`SELECT DISTINCT zone_epoch FROM sender_day WHERE chat_id = ${CHAT} ORDER BY 1`).map((r) => r.zone_epoch)

beforeAll(async () => {
  database = await createTestDatabase('zones')
  writer = new BatchWriter(database.sql, { maxRows: 500, maxDelayMs: 1, log: pino({ level: 'silent' }), botId: 1 })
  await ingest(traffic(20_000, withinDays(90)))
})
afterAll(async () => {
  await writer?.close()
  await database?.drop()
})

describe('changing the time zone while messages keep arriving', () => {
  it('counts every batch committed during the rebuild once, in the new zone, and leaves one epoch', async () => {
    let batchesWhileRebuilding = 0
    let sawNextEpochRows = false
    let stop = false
    // Ingest runs on throughout: today's messages and late ones for past days.
    const ingesting = (async () => {
      while (!stop) {
        await ingest(traffic(40, random() < 0.5 ? () => NOW - Math.floor(random() * 600) : withinDays(60)))
        const [state] = await database.sql<{ pending: boolean; negative: number }[]>`
          SELECT c.next_zone_epoch IS NOT NULL AS pending,
            (SELECT count(*)::int FROM sender_day s WHERE s.chat_id = c.chat_id AND s.zone_epoch < 0) AS negative
          FROM chats c WHERE c.chat_id = ${CHAT}`
        if (state?.pending) batchesWhileRebuilding++
        if (state && state.negative > 0) sawNextEpochRows = true
      }
    })()
    const change = await setChatTimeZone(database.sql, CHAT, 'Asia/Kathmandu', {
      // Hold the switch-over until batches have gone in beside the rebuild.
      beforeSwitchOver: async () => {
        while (batchesWhileRebuilding < 3) await new Promise((r) => setTimeout(r, 5))
      },
    })
    await change.cleanedUp
    stop = true
    await ingesting

    expect(batchesWhileRebuilding).toBeGreaterThanOrEqual(3)
    expect(sawNextEpochRows).toBe(true)
    const days = await senderDays('Asia/Kathmandu')
    expect(days.stored.length).toBeGreaterThan(1000)
    expect(days.stored).toEqual(days.raw)
    const daily = await dailyRollups('Asia/Kathmandu')
    expect(daily.stored).toEqual(daily.raw)
    const [chatRow] = await database.sql`SELECT time_zone, next_time_zone, stale_zone_epochs FROM chats WHERE chat_id = ${CHAT}`
    expect(chatRow).toEqual({ time_zone: 'Asia/Kathmandu', next_time_zone: null, stale_zone_epochs: false })
    expect((await epochsLeft()).length).toBe(1)
  })
})

describe('a zone change a crash interrupted', () => {
  it('is started over at the next start and ends exact, without the abandoned rows', async () => {
    // As a crash in the middle of the build leaves it: the next epoch set, part of it built,
    // and batches that went on adding to its negative twin.
    const [{ epoch } = { epoch: 0 }] = await database.sql<{ epoch: number }[]>`
      UPDATE chats SET next_time_zone = 'America/St_Johns', next_zone_epoch = zone_epoch + 1 WHERE chat_id = ${CHAT}
      RETURNING next_zone_epoch AS epoch`
    await database.sql`
      INSERT INTO sender_day (chat_id, zone_epoch, day, sender_id, messages, reactions_received)
      VALUES (${CHAT}, ${epoch}, '2026-01-01', 700, 999, 0), (${CHAT}, ${-epoch}, '2026-01-02', 701, 5, 0)`
    await ingest(traffic(300, withinDays(30)))
    await writer.flush()

    const result = await resumeZoneChanges(database.sql)
    expect(result.resumed).toEqual([CHAT])
    const days = await senderDays('America/St_Johns')
    expect(days.stored).toEqual(days.raw)
    const daily = await dailyRollups('America/St_Johns')
    expect(daily.stored).toEqual(daily.raw)
    expect((await epochsLeft()).length).toBe(1)
    expect(await resumeZoneChanges(database.sql)).toEqual({ resumed: [], cleaned: [] })
  })
})

describe('resuming an interrupted zone change', () => {
  it('does nothing when an admin changed the zone since: the newer change stands', async () => {
    const [{ epoch } = { epoch: 0 }] = await database.sql<{ epoch: number }[]>`
      UPDATE chats SET next_time_zone = 'Pacific/Chatham', next_zone_epoch = zone_epoch + 1 WHERE chat_id = ${CHAT}
      RETURNING next_zone_epoch AS epoch`
    // As if the restart listed the interrupted change, then an admin's /timezone ran first.
    await (await setChatTimeZone(database.sql, CHAT, 'Europe/Paris')).cleanedUp
    await expect(setChatTimeZone(database.sql, CHAT, 'Pacific/Chatham', { resuming: epoch })).rejects.toBeInstanceOf(ZoneChangeSuperseded)
    const [chatRow] = await database.sql`SELECT time_zone, next_time_zone FROM chats WHERE chat_id = ${CHAT}`
    expect(chatRow).toEqual({ time_zone: 'Europe/Paris', next_time_zone: null })
    const days = await senderDays('Europe/Paris')
    expect(days.stored).toEqual(days.raw)
    expect((await epochsLeft()).length).toBe(1)
  })
})

describe('two zone changes of one chat at once', () => {
  it('the one started last applies; the other says it was superseded', async () => {
    let later: Promise<unknown> | undefined
    const first = setChatTimeZone(database.sql, CHAT, 'Europe/Berlin', {
      beforeSwitchOver: async () => {
        later = setChatTimeZone(database.sql, CHAT, 'Australia/Adelaide').then((c) => c.cleanedUp)
        await later
      },
    })
    await expect(first).rejects.toBeInstanceOf(ZoneChangeSuperseded)
    await later
    const [chatRow] = await database.sql`SELECT time_zone, next_time_zone FROM chats WHERE chat_id = ${CHAT}`
    expect(chatRow).toEqual({ time_zone: 'Australia/Adelaide', next_time_zone: null })
    const days = await senderDays('Australia/Adelaide')
    expect(days.stored).toEqual(days.raw)
    expect((await epochsLeft()).length).toBe(1)
  })
})
