import { readFileSync } from 'node:fs'
import type { Chat, Message, Update } from 'grammy/types'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { writeBatch } from '../../bot/ingest/write-batch.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import {
  batchOf, chatMemberUpdate, customEmoji, editUpdate, emoji, FX, fixtureObject, fixtureUpdate, group, joinServiceMessage,
  leftServiceMessage, member, messageUpdate, myChatMemberUpdate, paid, reactionCountUpdate, reactionUpdate, T0, TEST_BOT_ID,
  textMessage, user,
} from './support/updates.ts'
import { dumpAll, dumpDiff, publicTables, truncateAll } from './support/tables.ts'
import { rng } from '../support/synthetic-updates.ts'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase('ingest_write')
})
afterAll(async () => {
  await db?.drop()
})
beforeEach(async () => {
  await truncateAll(db.sql)
})

const write = (updates: readonly Update[]) => writeBatch(db.sql, batchOf(updates))
const writeEach = async (updates: readonly Update[]) => {
  for (const u of updates) await write([u])
}

// Bookkeeping times set from now() by the writing transaction, not from any update.
// history_version counts how often past days changed, so it depends on how updates were split into batches.
const CLOCK_COLUMNS = ['first_seen_at', 'updated_at', 'history_version']

async function expectUnchangedBy(action: () => Promise<unknown>, omit: readonly string[] = []): Promise<void> {
  const before = await dumpAll(db.sql, omit)
  await action()
  const after = await dumpAll(db.sql, omit)
  expect(dumpDiff(before, after)).toEqual({})
  expect(after).toEqual(before)
}

const bot = user(TEST_BOT_ID, 'Analytics Bot', { is_bot: true })
const admin = user(900, 'Admin')

/** Real fixtures plus synthetic updates covering every row kind, dates all distinct. */
function richScenario(): Update[] {
  const chat = group(-1002100000001, 'Rich')
  const alice = user(501, 'Alice', { username: 'alice' })
  const bob = user(502, 'Bob')
  const carol = user(503, 'Carol')
  const t = T0
  return [
    messageUpdate(fixtureObject(FX.forumTopicCreated)),
    messageUpdate(fixtureObject(FX.forumTopicMessage)),
    messageUpdate(fixtureObject(FX.anonymousAdmin)),
    messageUpdate(fixtureObject(FX.anonymousAdminService)),
    messageUpdate(fixtureObject(FX.migrateTo)),
    messageUpdate(fixtureObject(FX.migrateFrom)),
    fixtureUpdate(FX.leftChatMember),
    fixtureUpdate(FX.reactionFromUser),
    fixtureUpdate(FX.reactionFromChat),
    fixtureUpdate(FX.reactionCount),
    // Chronological within each chat: pinned (2020-02) before dice (2020-07), both in -1001276785818.
    fixtureUpdate(FX.pinned),
    fixtureUpdate(FX.dice),
    fixtureUpdate(FX.story),
    fixtureUpdate(FX.commandReplyInThread),
    myChatMemberUpdate({ chat, from: admin, date: t, bot, oldStatus: 'left', newStatus: 'member' }),
    myChatMemberUpdate({ chat, from: admin, date: t + 5, bot, oldStatus: 'member', newStatus: 'administrator' }),
    messageUpdate(textMessage({ chat, messageId: 1, date: t + 10, from: alice, text: 'hello https://x.example', entities: [{ type: 'url', offset: 6, length: 17 }] })),
    messageUpdate(textMessage({ chat, messageId: 2, date: t + 11, from: bob, text: 'hey @alice', entities: [{ type: 'mention', offset: 4, length: 6 }] })),
    messageUpdate(textMessage({ chat, messageId: 3, date: t + 12, text: 'no sender' })),
    editUpdate({ ...textMessage({ chat, messageId: 1, date: t + 10, from: alice, text: 'hello again' }), edit_date: t + 20 }),
    editUpdate({ ...textMessage({ chat, messageId: 1, date: t + 10, from: alice, text: 'hello #again' }), edit_date: t + 30 }),
    reactionUpdate({ chat, messageId: 1, date: t + 40, user: bob, old: [], now: [emoji('👍')] }),
    reactionUpdate({ chat, messageId: 1, date: t + 41, user: bob, old: [emoji('👍')], now: [emoji('👍'), customEmoji('5368324170671202286')] }),
    reactionUpdate({ chat, messageId: 2, date: t + 42, user: alice, old: [], now: [paid()] }),
    reactionCountUpdate({ chat, messageId: 2, date: t + 43, counts: [[emoji('🔥'), 2]] }),
    reactionCountUpdate({ chat, messageId: 2, date: t + 44, counts: [[emoji('🔥'), 3], [paid(), 1]] }),
    joinServiceMessage({ chat, messageId: 4, date: t + 50, from: carol, members: [carol] }),
    chatMemberUpdate({ chat, from: carol, date: t + 51, old: member(carol, 'left'), now: member(carol, 'member'), inviteLink: { invite_link: 'https://t.me/+abc', name: 'Promo' } }),
    chatMemberUpdate({ chat, from: carol, date: t + 120, old: member(carol, 'member'), now: member(carol, 'left') }),
    leftServiceMessage({ chat, messageId: 5, date: t + 121, from: carol, left: carol }),
    chatMemberUpdate({ chat, from: admin, date: t + 200, old: member(bob, 'member'), now: member(bob, 'kicked', { until_date: 0 }) }),
    chatMemberUpdate({ chat, from: admin, date: t + 210, old: member(bob, 'kicked', { until_date: 0 }), now: member(bob, 'left') }),
    messageUpdate(textMessage({ chat: group(chat.id, 'Rich (renamed)'), messageId: 6, date: t + 300, from: user(501, 'Alicia', { username: 'alice' }) })),
  ]
}

describe('the statements made for TimescaleDB', () => {
  // Run here on plain PostgreSQL: their constant date bounds must not change what is stored, and
  // only the 15-minute table (a continuous aggregate there) is left to TimescaleDB.
  it('store the same as the plain-PostgreSQL ones, the 15-minute activity aside', async () => {
    const chat = group(-1002100000009, 'Bounds')
    const dan = user(504, 'Dan')
    const old = T0 - 40 * 86_400
    const batches = [
      [...richScenario().slice(0, 20), messageUpdate(textMessage({ chat, messageId: 1, date: old, from: dan, text: 'old' })),
        joinServiceMessage({ chat, messageId: 2, date: T0, from: dan, members: [dan] })],
      [...richScenario().slice(20), editUpdate({ ...textMessage({ chat, messageId: 1, date: old, from: dan, text: 'old, edited' }), edit_date: T0 + 1 }),
        chatMemberUpdate({ chat, from: dan, date: T0 + 2, old: member(dan, 'left'), now: member(dan, 'member') })],
    ]
    const stored = async (engine: 'postgres' | 'timescaledb') => {
      await truncateAll(db.sql)
      for (const updates of batches) await writeBatch(db.sql, batchOf(updates), { engine })
      const { chat_activity_15m: fifteen, ...rest } = await dumpAll(db.sql, CLOCK_COLUMNS)
      return { fifteen: fifteen ?? [], rest }
    }
    const timescale = await stored('timescaledb')
    const postgres = await stored('postgres')
    expect(timescale.rest).toEqual(postgres.rest)
    expect(timescale.fifteen).toEqual([])
    expect(postgres.fifteen.length).toBeGreaterThan(0)
    // The service-message join gave way to the chat_member one, and the old message's edit counted.
    expect(await db.sql`SELECT origin::text FROM member_events WHERE chat_id = ${chat.id}`).toEqual([{ origin: 'chat_member' }])
    expect(await db.sql`SELECT edit_count FROM messages WHERE chat_id = ${chat.id}`).toEqual([{ edit_count: 1 }])
  })
})

describe('replays', () => {
  it('writing the same batch twice leaves every table identical, every column included', async () => {
    const updates = richScenario()
    await write(updates)
    await expectUnchangedBy(() => write(updates))
  })

  it('a replay is refused by the primary key at first and written again with care; new messages, edits and week-old messages are not', async () => {
    const updates = richScenario()
    const messages = async () => (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM messages`)[0]!.n
    expect((await write(updates)).repeated).toBe(false)
    const stored = await messages()
    expect((await write(updates)).repeated).toBe(true)
    expect((await writeBatch(db.sql, batchOf(updates), { careful: true })).repeated).toBe(false)
    // An edit of a stored message is looked for before it is inserted: no second attempt.
    const chat = group(-1002100000001, 'Rich')
    const edit = editUpdate({ ...textMessage({ chat, messageId: 2, date: T0 + 11, from: user(502, 'Bob'), text: 'hey' }), edit_date: T0 + 500 })
    expect((await write([edit])).repeated).toBe(false)
    const next = messageUpdate(textMessage({ chat, messageId: 7, date: T0 + 501, from: user(502, 'Bob') }))
    expect((await write([next])).repeated).toBe(false)
    // Nor is a message dated over a week ago: it is looked for (compressed TimescaleDB chunks).
    const old = messageUpdate(textMessage({ chat, messageId: 8, date: T0 - 5 * 86_400, from: user(502, 'Bob') }))
    expect((await write([old])).repeated).toBe(false)
    expect((await write([old])).repeated).toBe(false)
    expect(await messages()).toBe(stored + 2)
    expect(await db.sql`SELECT edit_count FROM messages WHERE chat_id = ${chat.id} AND message_id = 2`).toEqual([{ edit_count: 1 }])
  })

  it('new messages sent by COPY are stored exactly as the looked-up path stores them, every column of every table', async () => {
    const updates = richScenario()
    expect(batchOf(updates).messages.length).toBeGreaterThan(5)
    await writeBatch(db.sql, batchOf(updates), { careful: true })
    const looked = await dumpAll(db.sql, CLOCK_COLUMNS)
    await truncateAll(db.sql)
    await write(updates)
    expect(dumpDiff(looked, await dumpAll(db.sql, CLOCK_COLUMNS))).toEqual({})
  })

  it('a refused COPY leaves no connection behind in an aborted transaction', async () => {
    const updates = richScenario()
    await write(updates)
    for (let i = 0; i < 3; i++) expect((await write(updates)).repeated).toBe(true)
    const [aborted] = await db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction (aborted)'`
    expect(aborted!.n).toBe(0)
  })

  it('the same batch written by two replicas at once is stored once: one of them finds it stored and writes it again with care', async () => {
    const updates = richScenario()
    await write(updates)
    const once = await dumpAll(db.sql, CLOCK_COLUMNS)
    await truncateAll(db.sql)
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([write(updates), write(updates)])
      expect([a.repeated, b.repeated].filter(Boolean)).toHaveLength(1)
      expect(dumpDiff(once, await dumpAll(db.sql, CLOCK_COLUMNS))).toEqual({})
      await truncateAll(db.sql)
    }
  })

  it('only a repeated message is written again with care; any other refusal is not retried', async () => {
    let transactions = 0
    const counted = new Proxy(db.sql, {
      get: (target, key) => (key === 'begin' ? (...args: unknown[]) => { transactions++; return (target.begin as (...a: unknown[]) => unknown)(...args) } : Reflect.get(target, key)),
    })
    const chat = group(-1002100000002, 'Refusals')
    const sent = messageUpdate(textMessage({ chat, messageId: 1, date: T0, from: user(601, 'Ivy') }))
    await writeBatch(counted, batchOf([sent]))
    expect(transactions).toBe(1)
    expect((await writeBatch(counted, batchOf([sent]))).repeated).toBe(true)
    expect(transactions).toBe(3)
    // A unique index the batch breaks that is not the messages key: refused at once.
    await db.sql`CREATE UNIQUE INDEX one_edit_per_message ON message_edits (chat_id, message_id)`
    try {
      const edits = [T0 + 5, T0 + 6].map((at) => editUpdate({ ...textMessage({ chat, messageId: 1, date: T0, from: user(601, 'Ivy') }), edit_date: at }))
      await expect(writeBatch(counted, batchOf(edits))).rejects.toMatchObject({ code: '23505', constraint_name: 'one_edit_per_message' })
      expect(transactions).toBe(4)
    } finally {
      await db.sql`DROP INDEX one_edit_per_message`
    }
  })

  it('replaying the batch whole, as single updates, or in reverse order changes no data (clock columns aside)', async () => {
    const updates = richScenario()
    await write(updates)
    const tables = await publicTables(db.sql)
    const dump = await dumpAll(db.sql)
    // The scenario really touches the main tables, so "unchanged" means something.
    for (const table of ['chats', 'users', 'user_names', 'chat_titles', 'messages', 'message_edits', 'reaction_events',
      'message_reactions', 'reaction_counts', 'member_events', 'bot_membership_events', 'chat_migrations', 'chat_activity_day']) {
      expect(tables).toContain(table)
      expect(dump[table]!.length, table).toBeGreaterThan(0)
    }
    await expectUnchangedBy(() => write(updates), CLOCK_COLUMNS)
    await expectUnchangedBy(() => writeEach(updates), CLOCK_COLUMNS)
    await expectUnchangedBy(() => writeEach([...updates].reverse()), CLOCK_COLUMNS)
  })

  it('writing the batch in single updates first, then as one batch, gives the same tables as one batch', async () => {
    const updates = richScenario()
    // Clock columns necessarily differ between two runs. users.name_date is the date of *an* observation
    // carrying the current names (the first or the last one, depending on batching); either is correct.
    const clockColumns = [...CLOCK_COLUMNS, 'name_date']
    await writeEach(updates)
    const split = await dumpAll(db.sql, clockColumns)
    await truncateAll(db.sql)
    await write(updates)
    const whole = await dumpAll(db.sql, clockColumns)
    expect(dumpDiff(split, whole)).toEqual({})
  })

  it('rollups equal straightforward counts over the raw rows after replays and re-splits', async () => {
    const updates = richScenario()
    await write(updates)
    await writeEach(updates.slice(10))
    await write(updates.slice(0, 20))
    const stored = await db.sql<{ k: string; messages: number; reactions: number; joins: number; leaves: number }[]>`
      SELECT chat_id || ' ' || day AS k, messages, reactions, joins, leaves FROM chat_activity_day`
    const raw = await db.sql<{ k: string; messages: number; reactions: number; joins: number; leaves: number }[]>`
      WITH x AS (
        SELECT m.chat_id, (m.date AT TIME ZONE c.time_zone)::date AS day, 1 AS messages, 0 AS reactions, 0 AS joins, 0 AS leaves
        FROM messages m JOIN chats c USING (chat_id)
        UNION ALL SELECT r.chat_id, (r.date AT TIME ZONE c.time_zone)::date, 0, r.added, 0, 0 FROM reaction_events r JOIN chats c USING (chat_id)
        UNION ALL SELECT r.chat_id, (r.date AT TIME ZONE c.time_zone)::date, 0, r.added, 0, 0 FROM reaction_count_changes r JOIN chats c USING (chat_id)
        UNION ALL SELECT e.chat_id, (e.date AT TIME ZONE c.time_zone)::date, 0, 0, (e.direction = 1)::int, (e.direction = -1)::int
        FROM member_events e JOIN chats c USING (chat_id)
      )
      SELECT chat_id || ' ' || day AS k, sum(messages)::int AS messages, sum(reactions)::int AS reactions,
             sum(joins)::int AS joins, sum(leaves)::int AS leaves
      FROM x GROUP BY chat_id, day`
    const nonZero = (rows: typeof raw) =>
      Object.fromEntries(rows.filter((r) => r.messages || r.reactions || r.joins || r.leaves).map((r) => [r.k, { ...r, k: undefined }]))
    expect(nonZero(stored)).toEqual(nonZero(raw))
    // By hand for the synthetic chat: 4 messages (1, 2, 3, 6); reactions added 1 + 1 + 1 by users, and the anonymous
    // total rose 0 → 2 → 3 (a paid reaction's Star is not counted); Carol joined once and left once, Bob was banned
    // (his unban moves nobody).
    const [rich] = await db.sql<{ messages: number; reactions: number; joins: number; leaves: number }[]>`
      SELECT sum(messages)::int AS messages, sum(reactions)::int AS reactions, sum(joins)::int AS joins, sum(leaves)::int AS leaves
      FROM chat_activity_day WHERE chat_id = -1002100000001`
    expect(rich).toEqual({ messages: 4, reactions: 6, joins: 1, leaves: 2 })
  })
})

describe('text is never stored', () => {
  it('no column of any table holds the message text; metrics are stored', async () => {
    const chat = group(-1002100000002, 'Secrets')
    const text = 'MARKER-q8z1 read https://secret.example #tag @bob'
    const entities = [{ type: 'url', offset: 17, length: 22 }, { type: 'hashtag', offset: 40, length: 4 }, { type: 'mention', offset: 45, length: 4 }]
    await write([
      messageUpdate(textMessage({ chat, messageId: 1, date: T0, from: user(601, 'Dana'), text, entities })),
      editUpdate({ ...textMessage({ chat, messageId: 1, date: T0, from: user(601, 'Dana'), text: `${text} MARKER-edit`, entities }), edit_date: T0 + 5 }),
    ])
    for (const table of await publicTables(db.sql)) {
      const [hit] = await db.sql.unsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE '%MARKER-%' OR t::text LIKE '%secret.example%'`)
      expect(hit!.n, table).toBe(0)
    }
    const [m] = await db.sql`SELECT text_length, link_count, hashtag_count, mention_count, edit_count FROM messages`
    expect(m).toEqual({ text_length: text.length + 12, link_count: 1, hashtag_count: 1, mention_count: 1, edit_count: 1 })
  })
})

describe('odd input round-trips', () => {
  it('RTL marks, ZWJ emoji, CJK and Arabic names are stored byte-exactly; NUL is stripped', async () => {
    const names = ['\u200Fمحمد\u200E \u202Eabc\u202C', '👨\u200D👩\u200D👧\u200D👦 family', '李雷 韩梅梅', 'عبد الرحمن', 'Zoë\u0301 🏳️‍🌈']
    const updates = names.map((name, i) => messageUpdate(textMessage({
      chat: group(-1002100000100 - i, `${name} chat`), messageId: 1, date: T0 + i,
      from: user(700 + i, name, { last_name: `${name}\u0000!`, username: `u${i}` }),
    })))
    await write(updates)
    const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex')
    for (const [i, name] of names.entries()) {
      const [u] = await db.sql<{ f: string; l: string }[]>`
        SELECT encode(convert_to(first_name, 'UTF8'), 'hex') AS f, encode(convert_to(last_name, 'UTF8'), 'hex') AS l
        FROM users WHERE user_id = ${700 + i}`
      expect(u).toEqual({ f: hex(name), l: hex(`${name}!`) })
      const [h] = await db.sql<{ f: string; l: string }[]>`
        SELECT encode(convert_to(first_name, 'UTF8'), 'hex') AS f, encode(convert_to(last_name, 'UTF8'), 'hex') AS l
        FROM user_names WHERE user_id = ${700 + i}`
      expect(h).toEqual({ f: hex(name), l: hex(`${name}!`) })
      const [c] = await db.sql<{ t: string; h: string }[]>`
        SELECT encode(convert_to(c.title, 'UTF8'), 'hex') AS t, encode(convert_to(h.title, 'UTF8'), 'hex') AS h
        FROM chats c JOIN chat_titles h USING (chat_id) WHERE chat_id = ${-1002100000100 - i}`
      expect(c).toEqual({ t: hex(`${name} chat`), h: hex(`${name} chat`) })
    }
  })

  it('a 100,000-character text is stored as its code-point length; a message without `from` has an unknown sender', async () => {
    const chat = group(-1002100000003, 'Long')
    const text = '😀'.repeat(1_000) + 'x'.repeat(98_000) + 'ع'.repeat(1_000)
    await write([
      messageUpdate(textMessage({ chat, messageId: 1, date: T0, from: user(801, 'Long'), text })),
      messageUpdate(textMessage({ chat, messageId: 2, date: T0 + 1, text: 'anon' })),
    ])
    const rows = await db.sql`SELECT message_id, text_length, sender_id, sender_type FROM messages ORDER BY message_id`
    expect(rows).toEqual([
      { message_id: 1, text_length: 100_000, sender_id: '801', sender_type: 'user' },
      { message_id: 2, text_length: 4, sender_id: null, sender_type: 'unknown' },
    ])
  })
})

// Edits of messages over four weeks old go one message per statement (writeEdits): both ways.
for (const [age, B] of [['recent messages', T0], ['messages over four weeks old', T0 - 60 * 86_400]] as const) describe(`edits of ${age}`, () => {
  const chat = group(-1002200000001, 'Edits')
  const eve = user(901, 'Eve')
  const original = messageUpdate(textMessage({ chat, messageId: 7, date: B, from: eve, text: 'first' }))
  const edit = (editDate: number, text: string, entities: { type: string; offset: number; length: number }[] = []) =>
    editUpdate({ ...textMessage({ chat, messageId: 7, date: B, from: eve, text, entities }), edit_date: editDate })
  const e1 = edit(B + 10, 'second text')
  const e2 = edit(B + 20, 'see https://e.example #x', [{ type: 'url', offset: 4, length: 17 }, { type: 'hashtag', offset: 22, length: 2 }])
  const e3 = edit(B + 30, 'ok @eve', [{ type: 'mention', offset: 3, length: 4 }])
  // Newest edit (e3): 'ok @eve' → 7 characters, 1 mention.
  const newest = { text_length: 7, link_count: 0, mention_count: 1, hashtag_count: 0 }

  async function stored() {
    const [m] = await db.sql`
      SELECT edit_count, extract(epoch FROM last_edit_date)::int8 AS last_edit, text_length, link_count, mention_count, hashtag_count,
             (SELECT count(*)::int FROM message_edits) AS edit_rows, (SELECT count(*)::int FROM messages) AS message_rows
      FROM messages WHERE chat_id = ${chat.id} AND message_id = 7`
    return m
  }
  const expected = { edit_count: 3, last_edit: String(B + 30), ...newest, edit_rows: 3, message_rows: 1 }

  it('three distinct edits count three, with replays and an older edit arriving last, across batches', async () => {
    await write([original, e1, e1])
    await write([e3])
    await write([e2, e1])
    await write([original, e1, e2, e3])
    expect(await stored()).toEqual(expected)
  })

  it('edits before the original message, split across batches', async () => {
    await write([e2])
    await write([e1])
    await write([original])
    await write([e3, e2])
    expect(await stored()).toEqual(expected)
  })

  it('all in one batch, out of order, with a repeat', async () => {
    await write([e3, original, e1, e2, e2])
    expect(await stored()).toEqual(expected)
    await write([e3, original, e1, e2, e2])
    expect(await stored()).toEqual(expected)
  })

  it('edits of an old and a recent message in one batch: each message counts its own', async () => {
    const other = (messageId: number, date: number) => ({
      original: messageUpdate(textMessage({ chat, messageId, date, from: eve, text: 'x' })),
      edit: (editDate: number, text: string) => editUpdate({ ...textMessage({ chat, messageId, date, from: eve, text }), edit_date: editDate }),
    })
    const old = other(8, T0 - 40 * 86_400)
    const recent = other(9, T0 + 5)
    await write([original, old.original, recent.original])
    await write([e1, old.edit(T0 - 40 * 86_400 + 5, 'old, edited'), recent.edit(T0 + 50, 'recent'), e3, old.edit(T0 - 40 * 86_400 + 9, 'old again'), e2])
    const rows = await db.sql`SELECT message_id, edit_count, text_length, extract(epoch FROM last_edit_date)::int8 AS last_edit
      FROM messages WHERE chat_id = ${chat.id} ORDER BY message_id`
    expect(rows).toEqual([
      { message_id: 7, edit_count: 3, text_length: 7, last_edit: String(B + 30) },
      { message_id: 8, edit_count: 2, text_length: 'old again'.length, last_edit: String(T0 - 40 * 86_400 + 9) },
      { message_id: 9, edit_count: 1, text_length: 'recent'.length, last_edit: String(T0 + 50) },
    ])
  })

  it('the edited message counts once in the rollups however the edits arrive', async () => {
    await write([e2])
    await write([original, e1])
    await write([e3])
    const [r] = await db.sql`SELECT sum(messages)::int AS n FROM chat_activity_day WHERE chat_id = ${chat.id}`
    expect(r).toEqual({ n: 1 })
  })
})

describe('member events from both sources', () => {
  const chat = group(-1002300000001, 'Members')
  const link = { invite_link: 'https://t.me/+JoinHere', name: 'Spring promo' }
  const pair = (userId: number, at: number, messageId = userId) => {
    const u = user(userId, `Joiner ${userId}`)
    return {
      service: joinServiceMessage({ chat, messageId, date: at, from: u, members: [u] }),
      chatMember: chatMemberUpdate({ chat, from: u, date: at + 2, old: member(u, 'left'), now: member(u, 'member'), inviteLink: link }),
    }
  }
  const eventsOf = (userId: number) => db.sql`
    SELECT event, direction, join_source, invite_link, invite_link_name, origin, update_id, message_id, extract(epoch FROM date)::int8 AS at
    FROM member_events WHERE chat_id = ${chat.id} AND user_id = ${userId} ORDER BY date`

  it.each([
    ['service first, one batch', (p: ReturnType<typeof pair>) => [[p.service, p.chatMember]]],
    ['chat_member first, one batch', (p: ReturnType<typeof pair>) => [[p.chatMember, p.service]]],
    ['service first, two batches', (p: ReturnType<typeof pair>) => [[p.service], [p.chatMember]]],
    ['chat_member first, two batches', (p: ReturnType<typeof pair>) => [[p.chatMember], [p.service]]],
  ])('a join seen as a service message and as chat_member is one row with the chat_member details (%s)', async (_, order) => {
    const p = pair(1001, T0)
    for (const batch of order(p)) await write(batch)
    const expected = [{
      event: 'join', direction: 1, join_source: 'link', invite_link: link.invite_link, invite_link_name: link.name,
      origin: 'chat_member', update_id: String(p.chatMember.update_id), message_id: null, at: String(T0 + 2),
    }]
    expect(await eventsOf(1001)).toEqual(expected)
    await write([p.service, p.chatMember])
    await write([p.chatMember])
    await write([p.service])
    expect(await eventsOf(1001)).toEqual(expected)
    const [r] = await db.sql`SELECT sum(joins)::int AS joins, sum(leaves)::int AS leaves FROM chat_activity_day WHERE chat_id = ${chat.id}`
    expect(r).toEqual({ joins: 1, leaves: 0 })
  })

  it('two joins minutes apart are both stored, each once', async () => {
    const u = user(1002, 'Twice')
    const first = pair(1002, T0)
    const leaveCm = chatMemberUpdate({ chat, from: u, date: T0 + 60, old: member(u, 'member'), now: member(u, 'left') })
    const leaveService = leftServiceMessage({ chat, messageId: 5000, date: T0 + 61, from: u, left: u })
    const second = pair(1002, T0 + 300, 5001)
    const all = [first.service, first.chatMember, leaveService, leaveCm, second.service, second.chatMember]
    await write(all.slice(0, 3))
    await write(all.slice(3))
    await writeEach(all)
    const rows = await eventsOf(1002)
    expect(rows.map((r) => [r.event, r.origin, r.at])).toEqual([
      ['join', 'chat_member', String(T0 + 2)], ['leave', 'chat_member', String(T0 + 60)], ['join', 'chat_member', String(T0 + 302)],
    ])
    const [r] = await db.sql`SELECT sum(joins)::int AS joins, sum(leaves)::int AS leaves FROM chat_activity_day WHERE chat_id = ${chat.id}`
    expect(r).toEqual({ joins: 2, leaves: 1 })
  })

  it('two service-message joins minutes apart (no chat_member updates) are both stored', async () => {
    const u = user(1003, 'Service only')
    await write([joinServiceMessage({ chat, messageId: 1, date: T0, from: u, members: [u] })])
    await write([leftServiceMessage({ chat, messageId: 2, date: T0 + 100, from: u, left: u })])
    await write([joinServiceMessage({ chat, messageId: 3, date: T0 + 240, from: u, members: [u] })])
    const rows = await eventsOf(1003)
    expect(rows.map((r) => [r.event, r.origin, r.message_id])).toEqual([
      ['join', 'service_message', 1], ['leave', 'service_message', 2], ['join', 'service_message', 3],
    ])
  })
  it.each([
    ['one batch', [[0, 1, 2]]],
    ['a batch each', [[0], [1], [2]]],
    ['the second join first', [[2], [0, 1]]],
  ])('a quick rejoin seen only as service messages (join, leave, join within 8 s) is three events (%s)', async (_, batches) => {
    const u = user(1004, 'Quick')
    const updates = [
      joinServiceMessage({ chat, messageId: 11, date: T0, from: u, members: [u] }),
      leftServiceMessage({ chat, messageId: 12, date: T0 + 4, from: u, left: u }),
      joinServiceMessage({ chat, messageId: 13, date: T0 + 8, from: u, members: [u] }),
    ]
    for (const batch of batches) await write(batch.map((i) => updates[i]!))
    await write(updates)
    const rows = await eventsOf(1004)
    expect(rows.map((r) => [r.event, r.origin, r.message_id])).toEqual([
      ['join', 'service_message', 11], ['leave', 'service_message', 12], ['join', 'service_message', 13],
    ])
    const [r] = await db.sql`SELECT sum(joins)::int AS joins, sum(leaves)::int AS leaves FROM chat_activity_day WHERE chat_id = ${chat.id}`
    expect(r).toEqual({ joins: 2, leaves: 1 })
  })

  it('a quick rejoin seen both ways, in any order of batches, is three chat_member events and counts 2 joins, 1 leave', async () => {
    const u = user(1005, 'Quick both')
    const service = [
      joinServiceMessage({ chat, messageId: 21, date: T0, from: u, members: [u] }),
      leftServiceMessage({ chat, messageId: 22, date: T0 + 4, from: u, left: u }),
      joinServiceMessage({ chat, messageId: 23, date: T0 + 8, from: u, members: [u] }),
    ]
    const chatMember = [
      chatMemberUpdate({ chat, from: u, date: T0, old: member(u, 'left'), now: member(u, 'member') }),
      chatMemberUpdate({ chat, from: u, date: T0 + 4, old: member(u, 'member'), now: member(u, 'left') }),
      chatMemberUpdate({ chat, from: u, date: T0 + 8, old: member(u, 'left'), now: member(u, 'member') }),
    ]
    const random = rng(7)
    for (let round = 0; round < 6; round++) {
      await truncateAll(db.sql)
      const all = [...service, ...chatMember]
      for (let i = all.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[all[i], all[j]] = [all[j]!, all[i]!]
      }
      // Random batches, in the shuffled order.
      for (let i = 0; i < all.length;) {
        const size = 1 + Math.floor(random() * 3)
        await write(all.slice(i, i + size))
        i += size
      }
      const rows = await eventsOf(1005)
      expect(rows.map((r) => [r.event, r.origin, Number(r.at) - T0])).toEqual([
        ['join', 'chat_member', 0], ['leave', 'chat_member', 4], ['join', 'chat_member', 8],
      ])
      const [r] = await db.sql`SELECT sum(joins)::int AS joins, sum(leaves)::int AS leaves FROM chat_activity_day WHERE chat_id = ${chat.id}`
      expect(r).toEqual({ joins: 2, leaves: 1 })
    }
  })
})

describe('reactions', () => {
  const chat = group(-1002400000001, 'Reactions')
  const fay = user(1101, 'Fay')
  const r1 = reactionUpdate({ chat, messageId: 9, date: T0 + 10, user: fay, old: [], now: [emoji('👍')] })
  const r2 = reactionUpdate({ chat, messageId: 9, date: T0 + 20, user: fay, old: [emoji('👍')], now: [emoji('❤'), customEmoji('777')] })
  const state = () => db.sql`
    SELECT reactions, extract(epoch FROM date)::int8 AS at, (SELECT count(*)::int FROM reaction_events) AS events
    FROM message_reactions WHERE chat_id = ${chat.id} AND message_id = 9 AND actor_id = ${fay.id}`
  const newest = [{ reactions: ['❤', 'custom:777'], at: String(T0 + 20), events: 2 }]

  it('state follows the newest change; an older replay in a later batch does not override it', async () => {
    await write([r1])
    await write([r2])
    await write([r1])
    expect(await state()).toEqual(newest)
  })

  it('state follows the newest change when an older change comes later in the same batch', async () => {
    await write([r2, r1])
    expect(await state()).toEqual(newest)
  })

  it('a reaction on behalf of a chat keeps its own state, keyed by the chat id', async () => {
    const u = fixtureUpdate(FX.reactionFromChat)
    await write([u])
    await write([u])
    const rows = await db.sql`SELECT actor_id, reactions FROM message_reactions`
    expect(rows).toEqual([{ actor_id: '-1002199793788', reactions: [] }])
    const events = await db.sql`SELECT old_reactions, new_reactions FROM reaction_events`
    expect(events).toEqual([{ old_reactions: ['❤'], new_reactions: [] }])
  })

  // On TimescaleDB the author is looked for in the week before the reaction first (write-events.ts).
  it.each(['postgres', 'timescaledb'] as const)('a reaction is credited to the reacted message\'s author however old the message is (%s statements)', async (engine) => {
    const write = (updates: readonly Update[]) => writeBatch(db.sql, batchOf(updates), { engine })
    const ann = user(1102, 'Ann')
    const days = 86_400
    await write([
      messageUpdate(textMessage({ chat, messageId: 20, date: T0 - 40 * days, from: ann, text: 'old' })),
      messageUpdate(textMessage({ chat, messageId: 21, date: T0 - 2 * days, from: ann, text: 'recent' })),
    ])
    await write([
      reactionUpdate({ chat, messageId: 20, date: T0, user: fay, old: [], now: [emoji('👍')] }),
      reactionUpdate({ chat, messageId: 21, date: T0, user: fay, old: [], now: [emoji('👍'), emoji('❤')] }),
      reactionCountUpdate({ chat, messageId: 20, date: T0 + 5, counts: [[emoji('🔥'), 4], [paid(), 250]] }),
    ])
    // By hand: 1 + 2 user reactions and an anonymous count of 4, all to Ann's messages; the 250
    // Stars of a paid reaction are no reactions of 250 people.
    const [credited] = await db.sql`SELECT sum(reactions_received)::int AS ann,
      (SELECT sum(reactions)::int FROM chat_activity_day WHERE chat_id = ${chat.id}) AS all_reactions
      FROM sender_day WHERE chat_id = ${chat.id} AND sender_id = ${ann.id}`
    expect(credited).toEqual({ ann: 7, all_reactions: 7 })
  })

  describe('anonymous counts', () => {
    const c1 = reactionCountUpdate({ chat, messageId: 9, date: T0 + 10, counts: [[emoji('👍'), 2]] })
    const c2 = reactionCountUpdate({ chat, messageId: 9, date: T0 + 20, counts: [[emoji('👍'), 3], [paid(), 1]] })
    // The paid reaction's Stars are kept as they came, outside the total.
    const latest = [{ reactions: [{ key: '👍', count: 3 }, { key: 'paid', count: 1 }], total: 3, at: String(T0 + 20) }]
    const counts = () => db.sql`SELECT reactions, total, extract(epoch FROM date)::int8 AS at FROM reaction_counts`
    const reactionsCounted = async () => (await db.sql<{ n: number }[]>`SELECT COALESCE(sum(reactions), 0)::int AS n FROM chat_activity_day`)[0]!.n

    it('keep the latest across batches, whatever arrives later', async () => {
      await write([c1])
      await write([c2])
      await write([c1])
      expect(await counts()).toEqual(latest)
    })

    it('keep the latest within one batch', async () => {
      await write([c2, c1])
      expect(await counts()).toEqual(latest)
    })

    it('a total an earlier version stored with a paid reaction\'s Stars is set right by migration 0008; the next rise counts from it', async () => {
      await write([reactionCountUpdate({ chat, messageId: 9, date: T0 + 10, counts: [[emoji('👍'), 1], [paid(), 250]] })])
      // As the earlier version stored it, Stars included.
      await db.sql`UPDATE reaction_counts SET total = 251`
      const before = await reactionsCounted()
      await db.sql.unsafe(readFileSync(new URL('../../db/migrations/0008_paid_reaction_totals.sql', import.meta.url), 'utf8'))
      expect(await db.sql`SELECT total FROM reaction_counts`).toEqual([{ total: 1 }])
      await write([reactionCountUpdate({ chat, messageId: 9, date: T0 + 20, counts: [[emoji('👍'), 2], [paid(), 300]] })])
      expect(await reactionsCounted()).toBe(before + 1)
    })

    it('the real fixture (a channel) round-trips', async () => {
      await write([fixtureUpdate(FX.reactionCount)])
      await write([fixtureUpdate(FX.reactionCount)])
      expect(await counts()).toEqual([{ reactions: [{ key: '🗿', count: 2 }, { key: '🌭', count: 1 }], total: 3, at: '1721306391' }])
    })
  })
})

describe('title and name history', () => {
  const chatId = -1002500000001
  const gus = user(1201, 'Gus')
  const titled = (title: string, at: number, id: number) => messageUpdate(textMessage({ chat: group(chatId, title), messageId: id, date: at, from: gus }))
  const A1 = titled('Alpha', T0 + 1, 1)
  const A2 = titled('Alpha', T0 + 2, 2)
  const B3 = titled('Beta', T0 + 3, 3)
  const A4 = titled('Alpha', T0 + 4, 4)
  const titleHistory = () => db.sql`SELECT title, extract(epoch FROM since)::int8 AS since FROM chat_titles WHERE chat_id = ${chatId} ORDER BY since`
  const currentTitle = async () => (await db.sql`SELECT title FROM chats WHERE chat_id = ${chatId}`)[0]?.title
  const expectedTitles = [{ title: 'Alpha', since: String(T0 + 1) }, { title: 'Beta', since: String(T0 + 3) }, { title: 'Alpha', since: String(T0 + 4) }]

  it.each([
    ['one batch', [[A1, A2, B3, A4]]],
    ['one update per batch', [[A1], [A2], [B3], [A4]]],
    ['two batches', [[A1, A2], [B3, A4]]],
  ])('title history A, A, B, A is stored as A, B, A (%s) and replays add nothing', async (_, batches) => {
    for (const batch of batches) await write(batch)
    expect(await titleHistory()).toEqual(expectedTitles)
    expect(await currentTitle()).toBe('Alpha')
    await expectUnchangedBy(async () => {
      await write([A1, A2, B3, A4])
      await writeEach([A1, A2, B3, A4])
      await writeEach([A4, B3, A2, A1])
      await write([A2, B3])
    }, CLOCK_COLUMNS)
  })

  it('the current title follows the newest observation when an older one comes later in the same batch', async () => {
    await write([A1, A4, B3])
    expect(await titleHistory()).toEqual(expectedTitles)
    expect(await currentTitle()).toBe('Alpha')
  })

  it('a late observation between two equal ones still ends the history with the newest title', async () => {
    await write([A1, A4])
    await write([B3])
    expect(await titleHistory()).toEqual(expectedTitles)
    expect(await currentTitle()).toBe('Alpha')
  })

  const named = (first: string, at: number, id: number) =>
    messageUpdate(textMessage({ chat: group(chatId, 'Names'), messageId: 100 + id, date: at, from: user(1301, first, { username: 'hal' }) }))
  const N1 = named('Hal', T0 + 1, 1)
  const N2 = named('Hal', T0 + 2, 2)
  const N3 = named('Hallie', T0 + 3, 3)
  const N4 = named('Hal', T0 + 4, 4)
  const nameHistory = () => db.sql`SELECT first_name, username, extract(epoch FROM since)::int8 AS since FROM user_names WHERE user_id = 1301 ORDER BY since`
  const currentName = async () => (await db.sql`SELECT first_name FROM users WHERE user_id = 1301`)[0]?.first_name
  const expectedNames = [
    { first_name: 'Hal', username: 'hal', since: String(T0 + 1) }, { first_name: 'Hallie', username: 'hal', since: String(T0 + 3) },
    { first_name: 'Hal', username: 'hal', since: String(T0 + 4) },
  ]

  it.each([
    ['one batch', [[N1, N2, N3, N4]]],
    ['one update per batch', [[N1], [N2], [N3], [N4]]],
  ])('user name history A, A, B, A is stored as A, B, A (%s) and replays add nothing', async (_, batches) => {
    for (const batch of batches) await write(batch)
    expect(await nameHistory()).toEqual(expectedNames)
    expect(await currentName()).toBe('Hal')
    await expectUnchangedBy(async () => {
      await write([N1, N2, N3, N4])
      await writeEach([N4, N3, N2, N1])
    }, CLOCK_COLUMNS)
  })

  it('the current user name follows the newest observation when an older one comes later in the same batch', async () => {
    await write([N1, N4, N3])
    expect(await nameHistory()).toEqual(expectedNames)
    expect(await currentName()).toBe('Hal')
  })

  it('name and title histories of random observations in random batches match a model that stores all and drops repeats', async () => {
    // The model is the plain rule: per batch, every observation that differs from the one before
    // it in the batch (the last of an instant wins) becomes an entry unless one of that instant
    // exists, every entry equal to the one before it goes, and the history must end with the
    // current value (the newest observation's) unless another entry holds that instant.
    const random = rng(7)
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
    // A user's name is three columns, the last two often missing; a chat's title is one.
    const names = [['Ann', null, null], ['Ann', 'Lee', null], ['Ann', null, 'ann'], ['Bea', 'Lee', 'bea']] as const
    const titles = [['Club'], ['Club 2.0'], ['Klub']] as const
    const users = Array.from({ length: 40 }, (_, i) => 5001 + i)
    const chats = Array.from({ length: 20 }, (_, i) => -1002600000001 - i)
    const observations = [...users, ...chats].flatMap((id) => Array.from({ length: 8 }, () => ({
      id, value: id > 0 ? pick(names) : pick(titles), date: T0 + 1 + Math.floor(random() * 20),
    })))
    for (let i = observations.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [observations[i], observations[j]] = [observations[j]!, observations[i]!]
    }
    type Value = readonly (string | null)[]
    const same = (a: Value, b: Value) => a.every((v, k) => v === b[k])
    const history = new Map<number, Map<number, Value>>()
    const current = new Map<number, { value: Value; date: number }>()
    let messageId = 0
    for (let start = 0; start < observations.length;) {
      const batch = observations.slice(start, start += 1 + Math.floor(random() * 120))
      await write(batch.map(({ id, value: [first, last, username], date }) => messageUpdate(textMessage({
        messageId: ++messageId, date,
        ...(id > 0
          ? { chat: group(chatId, 'Names'), from: user(id, first!, { ...(last ? { last_name: last } : {}), ...(username ? { username } : {}) }) }
          : { chat: group(id, first!), from: user(4999, 'Titler') }),
      }))))
      for (const id of new Set(batch.map((o) => o.id))) {
        const mine = batch.filter((o) => o.id === id)
        const newest = mine.reduce((a, b) => (b.date >= a.date ? b : a))
        const now = current.get(id)
        if (!now || now.date < newest.date) current.set(id, { value: newest.value, date: newest.date })
        const h = history.get(id) ?? new Map<number, Value>()
        history.set(id, h)
        const observed: { value: Value; date: number }[] = []
        for (const o of [...mine].sort((a, b) => a.date - b.date)) {
          if (observed.at(-1)?.date === o.date) observed.pop()
          if (!observed.length || !same(observed.at(-1)!.value, o.value)) observed.push(o)
        }
        for (const o of observed) if (!h.has(o.date)) h.set(o.date, o.value)
        const sorted = [...h.entries()].sort((a, b) => a[0] - b[0])
        h.clear()
        sorted.forEach(([since, v], k) => { if (k === 0 || !same(sorted[k - 1]![1], v)) h.set(since, v) })
        const { value, date } = current.get(id)!
        const before = [...h.keys()].filter((since) => since <= date).sort((a, b) => b - a)[0]
        if ((before === undefined || !same(h.get(before)!, value)) && !h.has(date)) h.set(date, value)
      }
    }
    const expected = (ids: number[]) => ids.flatMap((id) => [...history.get(id)!.entries()].sort((a, b) => a[0] - b[0])
      .map(([since, value]) => ({ id: String(id), since: String(since), value: [...value] })))
    const storedNames = (await db.sql`SELECT user_id AS id, extract(epoch FROM since)::int8 AS since, first_name, last_name, username
      FROM user_names WHERE user_id BETWEEN 5001 AND 5040 ORDER BY user_id, since`)
      .map((r) => ({ id: r.id, since: r.since, value: [r.first_name, r.last_name, r.username] }))
    const storedTitles = (await db.sql`SELECT chat_id AS id, extract(epoch FROM since)::int8 AS since, title
      FROM chat_titles WHERE chat_id <= -1002600000001 ORDER BY chat_id DESC, since`).map((r) => ({ id: r.id, since: r.since, value: [r.title] }))
    expect(storedNames).toEqual(expected(users))
    expect(storedTitles).toEqual(expected(chats))
    expect(storedNames.length + storedTitles.length).toBeGreaterThan(3 * (users.length + chats.length))
  })
})

describe('group → supergroup migration', () => {
  const to = () => messageUpdate(fixtureObject<Message>(FX.migrateTo))
  const from = () => messageUpdate(fixtureObject<Message>(FX.migrateFrom))
  const expectMigrated = async () => {
    expect(await db.sql`SELECT from_chat_id, to_chat_id, extract(epoch FROM migrated_at)::int8 AS at FROM chat_migrations`).toEqual([
      { from_chat_id: '-599075523', to_chat_id: '-1001555296434', at: '1629404938' },
    ])
    expect(await db.sql`SELECT chat_id, type, migrated_to_chat_id FROM chats ORDER BY chat_id`).toEqual([
      { chat_id: '-1001555296434', type: 'supergroup', migrated_to_chat_id: null },
      { chat_id: '-599075523', type: 'group', migrated_to_chat_id: '-1001555296434' },
    ])
    expect(await db.sql`SELECT count(*)::int AS n FROM messages`).toEqual([{ n: 0 }])
    expect(await db.sql`SELECT user_id FROM users`).toEqual([{ user_id: '729497414' }])
  }

  it.each([
    ['both in one batch', () => [[to(), from()]]],
    ['migrate_from first, in one batch', () => [[from(), to()]]],
    ['migrate_to, then migrate_from', () => [[to()], [from()]]],
    ['migrate_from, then migrate_to', () => [[from()], [to()]]],
  ])('one chat_migrations row and linked chats (%s)', async (_, batches) => {
    for (const batch of batches()) await write(batch)
    await expectMigrated()
    await write([to(), from()])
    await expectMigrated()
  })

  it('migrate_to alone creates the supergroup it points to', async () => {
    await write([to()])
    expect(await db.sql`SELECT chat_id, type, migrated_to_chat_id FROM chats ORDER BY chat_id`).toEqual([
      { chat_id: '-1001555296434', type: 'supergroup', migrated_to_chat_id: null },
      { chat_id: '-599075523', type: 'group', migrated_to_chat_id: '-1001555296434' },
    ])
  })
})

describe('a chat whose row is not there yet', () => {
  it('counts in the rollups in UTC, as a new chat would (another lane may not have committed its row)', async () => {
    const chat = group(-1002400000077, 'Not yet')
    // As a batch whose chat rows the seen cache dropped: the rows of the events only.
    const rows = batchOf([
      messageUpdate(textMessage({ chat, messageId: 1, date: T0 + 100, from: user(1201, 'Gil') })),
      reactionCountUpdate({ chat, messageId: 1, date: T0 + 200, counts: [[emoji('👍'), 3]] }),
    ])
    await writeBatch(db.sql, { ...rows, chats: [], users: [] })
    const day = new Date((T0 + 100) * 1000).toISOString().slice(0, 10)
    expect(await db.sql`SELECT day::text, messages, reactions FROM chat_activity_day WHERE chat_id = ${chat.id}`)
      .toEqual([{ day, messages: 1, reactions: 3 }])
    expect(await db.sql`SELECT zone_epoch, day::text, sender_id, messages FROM sender_day WHERE chat_id = ${chat.id}`)
      .toEqual([{ zone_epoch: 0, day, sender_id: '1201', messages: 1 }])
  })
})

describe('two batches at once (two lanes, or replicas)', () => {
  const ids = Array.from({ length: 300 }, (_, i) => 3001 + i)
  let messageId = 0
  /** 300 messages, one per user in `order`, alternating between the two chats. */
  const batch = (chats: [Chat.SupergroupChat, Chat.SupergroupChat], order: number[], name: string, date: number) =>
    batchOf(order.map((id, i) => messageUpdate(textMessage({ chat: chats[i % 2]!, messageId: ++messageId, date, from: user(id, name) }))))

  async function rounds(chatsOf: (round: number) => [[Chat.SupergroupChat, Chat.SupergroupChat], [Chat.SupergroupChat, Chat.SupergroupChat]]) {
    for (let round = 1; round <= 20; round++) {
      const date = T0 + 10 * round
      const [a, b] = chatsOf(round)
      await Promise.all([
        writeBatch(db.sql, batch(a, ids, `Ann ${round}`, date)),
        writeBatch(db.sql, batch(b, [...ids].reverse(), `Bob ${round}`, date + 1)),
      ])
    }
    // By hand: 2 × 300 messages a round; every user's newest name is Bob's of the last round.
    expect(await db.sql`SELECT count(*)::int AS n FROM messages`).toEqual([{ n: 20 * 600 }])
    expect(await db.sql`SELECT DISTINCT first_name FROM users WHERE user_id BETWEEN 3001 AND 3300`).toEqual([{ first_name: 'Bob 20' }])
    expect(await db.sql`SELECT count(*)::int AS n FROM user_names WHERE user_id = 3001`).toEqual([{ n: 40 }])
  }

  it('in chats of their own, sharing 300 users seen in opposite orders, never deadlock', async () => {
    await rounds(() => [[group(-1002400000090, 'A1'), group(-1002400000092, 'A2')], [group(-1002400000091, 'B1'), group(-1002400000093, 'B2')]])
  })

  it('sharing an existing chat and a new one each round, as well as the users, never deadlock', async () => {
    const shared = group(-1002400000094, 'Shared')
    await rounds((round) => {
      const fresh = group(-1002400000200 - round, `New ${round}`)
      return [[shared, fresh], [fresh, shared]]
    })
  })
})
