import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cooldowns, type CooldownOptions } from '../../bot/answers/cooldowns.ts'
import { MemoryStore, type KvStore } from '../../bot/answers/kv-store.ts'
import { FallbackStore } from '../../bot/answers/redis-store.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { type Call, Harness } from './support/harness.ts'
import { ANNA, BOB, LI } from './support/traffic.ts'
import { type TestChat, Updates } from './support/updates.ts'

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const NOW = new Date('2026-10-26T10:00:00Z')
const TRY_AGAIN = /^⏳ Too many requests: try again in (\d+) s\.$/

let db: TestDatabase
let redis: Redis
const u = new Updates()

beforeAll(async () => {
  db = await createTestDatabase('features_cooldown')
  redis = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  await redis.connect()
})
afterAll(async () => {
  redis?.disconnect()
  await db?.drop()
})

const stores: [string, () => KvStore][] = [
  ['in process', () => new MemoryStore()],
  ['in Redis', () => new FallbackStore(redis, new MemoryStore(), pino({ level: 'silent' }), `test-${randomBytes(4).toString('hex')}:`)],
]

describe.each(stores)('cooldowns %s', (_name, makeStore) => {
  let chatNumber = 0
  async function setUp(cooldowns: CooldownOptions) {
    const chat: TestChat = { id: -1003000000300 - ++chatNumber - (_name === 'in Redis' ? 50 : 0), title: 'Busy' }
    const harness = new Harness({ db, now: NOW, cooldowns, store: makeStore() })
    await harness.feed([u.message(chat, ANNA, '2026-10-25T12:00:00Z', 'hi')])
    const say = (who: typeof ANNA, text: string) => harness.handle(u.command(chat, who, text, NOW.toISOString()))
    return { harness, chat, say }
  }
  const kinds = (calls: Call[]) => calls.map((c) => c.method)
  const notice = (calls: Call[]) => {
    expect(kinds(calls)).toEqual(['sendMessage'])
    const seconds = Number(TRY_AGAIN.exec(calls[0]!.payload.text as string)?.[1])
    expect(seconds).toBeGreaterThanOrEqual(50)
    expect(seconds).toBeLessThanOrEqual(60)
  }

  it("two commands of one sender at once while the chat's cooldown runs: both wait for the chat's, and the sender's is left free", async () => {
    const store = makeStore()
    const cooldowns = new Cooldowns(store, { userSeconds: 60, chatSeconds: 5, buttonSeconds: 0 })
    expect(await cooldowns.check(-1, 7, 'command')).toEqual({ ok: true })
    await store.delete('cd:u:7')
    const both = await Promise.all([cooldowns.check(-1, 7, 'command'), cooldowns.check(-1, 7, 'command')])
    expect(both.map((r) => (r.ok ? 'ok' : r.retryInSeconds))).toEqual([5, 5])
    expect(both.filter((r) => !r.ok && r.notify)).toHaveLength(1)
    expect(await store.remainingMs('cd:u:7')).toBe(0)
    // Refused by the sender's cooldown, the chat's is not touched.
    const other = new Cooldowns(store, { userSeconds: 60, chatSeconds: 5, buttonSeconds: 0 })
    expect(await other.check(-2, 8, 'command')).toEqual({ ok: true })
    await store.delete('cd:c:-2')
    expect(await other.check(-2, 8, 'command')).toMatchObject({ ok: false, retryInSeconds: 60 })
    expect(await store.remainingMs('cd:c:-2')).toBe(0)
  })

  it('per sender: says "try again" once per cooldown, and other senders are not held up', async () => {
    const { harness, say } = await setUp({ userSeconds: 60, chatSeconds: 0, buttonSeconds: 0 })
    expect(kinds(await say(ANNA, '/stats'))).toEqual(['sendPhoto'])
    notice(await say(ANNA, '/stats'))
    expect(await say(ANNA, '/top')).toEqual([])
    expect(await say(ANNA, '/heatmap 7d')).toEqual([])
    expect(kinds(await say(BOB, '/top'))).toEqual(['sendMessage'])
    await harness.close()
  })

  it('per chat: one answer per cooldown in the chat, and one notice whoever asks', async () => {
    const { harness, say } = await setUp({ userSeconds: 0, chatSeconds: 60, buttonSeconds: 0 })
    const first = await say(BOB, '/top')
    expect(kinds(first)).toEqual(['sendMessage'])
    expect(first[0]!.payload.text).toMatch(/^🏆 Top senders/)
    notice(await say(ANNA, '/stats'))
    expect(await say(LI, '/heatmap')).toEqual([])
    expect(await say(BOB, '/timezone')).toEqual([])
    await harness.close()
  })

  it('counts an anonymous admin as the group, not as the placeholder user all groups share', async () => {
    const { harness, chat, say } = await setUp({ userSeconds: 60, chatSeconds: 0, buttonSeconds: 0 })
    const asAdmins = () => harness.handle(u.asChat(chat, { id: chat.id, title: chat.title, type: 'supergroup' }, NOW.toISOString(), '/top'))
    expect(kinds(await asAdmins())).toEqual(['sendMessage'])
    notice(await asAdmins())
    expect(kinds(await say(ANNA, '/top'))).toEqual(['sendMessage'])
    await harness.close()
  })

  it('buttons: a quick second press is answered with "try again", the message is left alone', async () => {
    const { harness, chat, say } = await setUp({ userSeconds: 0, chatSeconds: 0, buttonSeconds: 60 })
    const sent = (await say(ANNA, '/top'))[0]!
    const messageId = (sent.result as { message_id: number }).message_id
    const press = () => harness.handle(u.callback(BOB, chat, messageId, `p:t:7d:${chat.id}`))
    expect(kinds(await press())).toEqual(['editMessageText', 'answerCallbackQuery'])
    const second = await press()
    expect(kinds(second)).toEqual(['answerCallbackQuery'])
    expect(second[0]!.payload.text).toMatch(TRY_AGAIN)
    await harness.close()
  })
})
