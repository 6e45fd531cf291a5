import type { Update } from 'grammy/types'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { writeBatch } from '../../bot/ingest/write-batch.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import {
  batchOf, chatMemberUpdate, editUpdate, emoji, group, joinServiceMessage, leftServiceMessage, member, messageUpdate,
  myChatMemberUpdate, reactionCountUpdate, T0, TEST_BOT_ID, textMessage, user,
} from './support/updates.ts'
import { truncateAll } from './support/tables.ts'

// Telegram dates are whole seconds: two distinct events of one message or member often share one.
// Each must be stored and counted once, however the updates are split into batches and replayed.

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase('ingest_same_second')
})
afterAll(async () => {
  await db?.drop()
})
beforeEach(async () => {
  await truncateAll(db.sql)
})

const write = (updates: readonly Update[]) => writeBatch(db.sql, batchOf(updates))

/** Writes `updates` split as `split` says (a list of batch sizes), then replays them whole and one by one. */
async function writeSplitAndReplay(updates: readonly Update[], split: readonly number[]): Promise<void> {
  let at = 0
  for (const size of split) {
    await write(updates.slice(at, at + size))
    at += size
  }
  await write(updates)
  for (const u of updates) await write([u])
}

const splits = (n: number): [string, number[]][] => [['one batch', [n]], ['a batch each', Array.from({ length: n }, () => 1)]]

const chat = group(-1002700000001, 'Same second')
const admin = user(700, 'Admin')
const joinsAndLeaves = async () =>
  (await db.sql`SELECT COALESCE(sum(joins), 0)::int AS joins, COALESCE(sum(leaves), 0)::int AS leaves FROM chat_activity_day WHERE chat_id = ${chat.id}`)[0]

describe('member events in one second', () => {
  const eve = user(701, 'Eve')
  const events = () => db.sql`SELECT event, direction, origin FROM member_events WHERE chat_id = ${chat.id} AND user_id = ${eve.id} ORDER BY update_id, message_id`

  it.each(splits(2))('a ban and an unban of a non-member are two events (%s)', async (_, split) => {
    await writeSplitAndReplay([
      chatMemberUpdate({ chat, from: admin, date: T0, old: member(eve, 'left'), now: member(eve, 'kicked', { until_date: 0 }) }),
      chatMemberUpdate({ chat, from: admin, date: T0, old: member(eve, 'kicked', { until_date: 0 }), now: member(eve, 'left') }),
    ], split)
    expect(await events()).toEqual([
      { event: 'ban', direction: 0, origin: 'chat_member' }, { event: 'unban', direction: 0, origin: 'chat_member' },
    ])
  })

  const rejoin = () => [
    chatMemberUpdate({ chat, from: eve, date: T0, old: member(eve, 'left'), now: member(eve, 'member') }),
    chatMemberUpdate({ chat, from: eve, date: T0, old: member(eve, 'member'), now: member(eve, 'left') }),
    chatMemberUpdate({ chat, from: eve, date: T0, old: member(eve, 'left'), now: member(eve, 'member') }),
  ]
  it.each(splits(3))('a join, a leave and a rejoin as chat_member updates are three events: 2 joins, 1 leave (%s)', async (_, split) => {
    await writeSplitAndReplay(rejoin(), split)
    expect(await events()).toEqual([
      { event: 'join', direction: 1, origin: 'chat_member' }, { event: 'leave', direction: -1, origin: 'chat_member' },
      { event: 'join', direction: 1, origin: 'chat_member' },
    ])
    expect(await joinsAndLeaves()).toEqual({ joins: 2, leaves: 1 })
  })

  const serviceRejoin = () => [
    joinServiceMessage({ chat, messageId: 31, date: T0, from: eve, members: [eve] }),
    leftServiceMessage({ chat, messageId: 32, date: T0, from: eve, left: eve }),
    joinServiceMessage({ chat, messageId: 33, date: T0, from: eve, members: [eve] }),
  ]
  it.each(splits(3))('the same as service messages alone is three events too (%s)', async (_, split) => {
    await writeSplitAndReplay(serviceRejoin(), split)
    expect(await events()).toEqual([
      { event: 'join', direction: 1, origin: 'service_message' }, { event: 'leave', direction: -1, origin: 'service_message' },
      { event: 'join', direction: 1, origin: 'service_message' },
    ])
    expect(await joinsAndLeaves()).toEqual({ joins: 2, leaves: 1 })
  })

  it('where migration 0009 could not drop the old key (TimescaleDB with compression on), the first of the second stays, and nothing fails', async () => {
    await db.sql`CREATE UNIQUE INDEX member_events_natural_idx ON member_events (chat_id, user_id, direction, date)`
    try {
      await writeSplitAndReplay(rejoin(), [3])
      expect(await events()).toEqual([{ event: 'join', direction: 1, origin: 'chat_member' }, { event: 'leave', direction: -1, origin: 'chat_member' }])
      expect(await joinsAndLeaves()).toEqual({ joins: 1, leaves: 1 })
    } finally {
      await db.sql`DROP INDEX member_events_natural_idx`
    }
  })

  it.each([
    ['service messages first', (s: Update[], c: Update[]) => [...s, ...c]],
    ['chat_member first', (s: Update[], c: Update[]) => [...c, ...s]],
  ])('seen both ways, the chat_member events stand: 2 joins, 1 leave (%s)', async (_, order) => {
    const all = order(serviceRejoin(), rejoin())
    await writeSplitAndReplay(all, [3, 3])
    expect((await events()).map((e) => e.origin)).toEqual(['chat_member', 'chat_member', 'chat_member'])
    expect(await joinsAndLeaves()).toEqual({ joins: 2, leaves: 1 })
  })
})

describe('two edits in one second', () => {
  const fay = user(702, 'Fay')
  const original = messageUpdate(textMessage({ chat, messageId: 40, date: T0, from: fay, text: 'first' }))
  const edit = (text: string) => editUpdate({ ...textMessage({ chat, messageId: 40, date: T0, from: fay, text }), edit_date: T0 + 5 })
  const stored = async () => (await db.sql`
    SELECT edit_count, text_length, (SELECT count(*)::int FROM message_edits) AS edit_rows
    FROM messages WHERE chat_id = ${chat.id} AND message_id = 40`)[0]

  it.each(splits(3))('count two, and the message keeps the later one\'s figures (%s)', async (_, split) => {
    await writeSplitAndReplay([original, edit('second'), edit('the third text')], split)
    expect(await stored()).toEqual({ edit_count: 2, text_length: 'the third text'.length, edit_rows: 2 })
  })
  it('the later update\'s figures stay when the earlier edit of the second comes in a later batch', async () => {
    const earlier = edit('second')
    const later = edit('the third text')
    await write([original, later])
    await write([earlier])
    await write([earlier, later])
    expect(await stored()).toEqual({ edit_count: 2, text_length: 'the third text'.length, edit_rows: 2 })
  })

  it('an edit stored before migration 0009 (update id 0) is not counted again when replayed', async () => {
    const first = edit('second')
    await write([original, first])
    await db.sql`UPDATE message_edits SET update_id = 0`
    await write([first])
    expect(await stored()).toEqual({ edit_count: 1, text_length: 'second'.length, edit_rows: 1 })
  })
})

describe('anonymous counts rising twice in one second', () => {
  const count = (n: number) => reactionCountUpdate({ chat, messageId: 50, date: T0 + 9, counts: [[emoji('👍'), n]] })
  const counted = async () => (await db.sql`SELECT COALESCE(sum(reactions), 0)::int AS n FROM chat_activity_day WHERE chat_id = ${chat.id}`)[0]!.n

  it.each(splits(2))('count the whole rise, 2 then 3 more (%s)', async (_, split) => {
    await writeSplitAndReplay([count(2), count(5)], split)
    expect(await counted()).toBe(5)
    expect(await db.sql`SELECT total FROM reaction_counts`).toEqual([{ total: 5 }])
  })

  it('a replay of the second\'s later updates alone (5, then 4, then 2) measures no rise from the last total', async () => {
    const [five, four, two] = [count(5), count(4), count(2)]
    await write([five])
    await write([four, two])
    // The offset was confirmed up to the first: the other two come again.
    await write([four, two])
    await write([four])
    expect(await counted()).toBe(5)
    expect(await db.sql`SELECT total FROM reaction_counts`).toEqual([{ total: 2 }])
  })

  it('totals stored before migration 0009 (update id 0) stand for their second: a replay of it adds nothing', async () => {
    const [five, three] = [count(5), count(3)]
    await write([five, three])
    await db.sql`UPDATE reaction_counts SET update_id = 0`
    await db.sql`UPDATE reaction_count_changes SET update_id = 0`
    await write([five, three])
    expect(await counted()).toBe(5)
    expect(await db.sql`SELECT total FROM reaction_counts`).toEqual([{ total: 3 }])
  })
})

describe('the bot\'s own membership', () => {
  const bot = user(TEST_BOT_ID, 'Analytics Bot', { is_bot: true })
  const other = group(-1002700000002, 'Other')

  it('an update id seen again in another chat (Telegram numbered updates anew) is another event', async () => {
    const id = 123_456
    const first = myChatMemberUpdate({ chat, from: admin, date: T0 - 20 * 86_400, bot, oldStatus: 'left', newStatus: 'member' }, id)
    await write([first])
    await write([myChatMemberUpdate({ chat: other, from: admin, date: T0, bot, oldStatus: 'left', newStatus: 'administrator' }, id)])
    await write([first])
    const rows = await db.sql`SELECT chat_id, new_status FROM bot_membership_events ORDER BY date`
    expect(rows).toEqual([{ chat_id: String(chat.id), new_status: 'member' }, { chat_id: String(other.id), new_status: 'administrator' }])
    expect(await db.sql`SELECT chat_id, bot_status FROM chats ORDER BY chat_id DESC`).toEqual([
      { chat_id: String(chat.id), bot_status: 'member' }, { chat_id: String(other.id), bot_status: 'administrator' },
    ])
  })
})
