import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import pino from 'pino'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, AnswerCache } from '../../bot/answers/answer-cache.ts'
import { MemoryStore } from '../../bot/answers/kv-store.ts'
import { createKvStore, FallbackStore } from '../../bot/answers/redis-store.ts'
import { closedPort } from '../support/net.ts'
import { createRedis } from '../../bot/redis.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { Harness } from './support/harness.ts'
import { ANNA } from './support/traffic.ts'
import { Updates } from './support/updates.ts'

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const silent = pino({ level: 'silent' })
const photo = (n: number): Answer => ({ kind: 'photo', caption: `caption ${n} ✓`, photo: Buffer.from([0x89, 0x50, 0x4e, 0x47, n]) })

let redis: Redis
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  await redis.connect()
})
afterAll(() => redis?.disconnect())

describe('AnswerCache', () => {
  it('builds once for concurrent askers, then serves the stored answer', async () => {
    const cache = new AnswerCache(new MemoryStore(), { ttlMs: 60_000 })
    let builds = 0
    const build = async () => {
      builds++
      await new Promise((r) => setTimeout(r, 20))
      return photo(1)
    }
    const answers = await Promise.all([1, 2, 3, 4].map(() => cache.getOrBuild(-1, 'stats 30d', build)))
    expect(builds).toBe(1)
    expect(answers.every((a) => a.kind === 'photo' && a.caption === 'caption 1 ✓')).toBe(true)
    await cache.getOrBuild(-1, 'stats 30d', build)
    expect(builds).toBe(1)
  })

  it('drops a chat’s answers when it gets new data, and only that chat’s', async () => {
    const cache = new AnswerCache(new MemoryStore(), { ttlMs: 60_000 })
    let n = 0
    const build = async () => photo(++n)
    expect(await cache.getOrBuild(-1, 'x', build)).toMatchObject({ caption: 'caption 1 ✓' })
    expect(await cache.getOrBuild(-2, 'x', build)).toMatchObject({ caption: 'caption 2 ✓' })
    cache.invalidateChats([-1])
    expect(await cache.getOrBuild(-1, 'x', build)).toMatchObject({ caption: 'caption 3 ✓' })
    expect(await cache.getOrBuild(-2, 'x', build)).toMatchObject({ caption: 'caption 2 ✓' })
  })

  it('never serves an answer that was being built while new data came in', async () => {
    const cache = new AnswerCache(new MemoryStore(), { ttlMs: 60_000 })
    let n = 0
    const slow = async () => {
      const mine = ++n
      // New data is committed while this answer is computed from the older data.
      cache.invalidateChats([-1])
      return photo(mine)
    }
    expect(await cache.getOrBuild(-1, 'x', slow)).toMatchObject({ caption: 'caption 1 ✓' })
    expect(await cache.getOrBuild(-1, 'x', async () => photo(++n))).toMatchObject({ caption: 'caption 2 ✓' })
  })

  it('keeps photos and text intact through Redis, and a new process does not read the old one’s entries', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}:`
    const store = new FallbackStore(redis, new MemoryStore(), silent, prefix)
    const first = new AnswerCache(store, { ttlMs: 60_000, epoch: 'a' })
    await first.getOrBuild(-5, 'p', async () => photo(7))
    await first.getOrBuild(-5, 't', async () => ({ kind: 'text', text: 'Top ⁨محمد⁩ — 3' }))
    expect(await redis.keys(`${prefix}ans:a:-5:0:*`)).toHaveLength(2)
    // Same epoch (as if this process): read back from Redis, byte for byte.
    const again = new AnswerCache(store, { ttlMs: 60_000, epoch: 'a' })
    const fail = async (): Promise<Answer> => { throw new Error('should come from Redis') }
    const back = await again.getOrBuild(-5, 'p', fail)
    expect(back.kind === 'photo' && [back.caption, [...back.photo]]).toEqual(['caption 7 ✓', [0x89, 0x50, 0x4e, 0x47, 7]])
    expect(await again.getOrBuild(-5, 't', fail)).toEqual({ kind: 'text', text: 'Top ⁨محمد⁩ — 3' })
    // A restarted process starts its generations at 0 again: its own epoch keeps it off old entries.
    const restarted = new AnswerCache(store, { ttlMs: 60_000, epoch: 'b' })
    expect(await restarted.getOrBuild(-5, 'p', async () => photo(8))).toMatchObject({ caption: 'caption 8 ✓' })
    const ttl = await redis.pttl((await redis.keys(`${prefix}ans:b:*`))[0]!)
    expect(ttl).toBeGreaterThan(50_000)
    expect(ttl).toBeLessThanOrEqual(60_000)
  })
})

describe('MemoryStore', () => {
  it('expires entries and claims by their TTL', async () => {
    let now = 1_000
    const store = new MemoryStore(1024, () => now)
    await store.set('a', Buffer.from('x'), 100)
    expect(await store.claim('c', 50)).toBe(true)
    expect(await store.claim('c', 50)).toBe(false)
    expect(await store.remainingMs('c')).toBe(50)
    now += 60
    expect(await store.claim('c', 50)).toBe(true)
    expect(String(await store.get('a'))).toBe('x')
    now += 50
    expect(await store.get('a')).toBeUndefined()
  })

  it('drops the least recently used entries beyond its byte budget', async () => {
    const store = new MemoryStore(30)
    await store.set('a', Buffer.alloc(10), 60_000)
    await store.set('b', Buffer.alloc(10), 60_000)
    await store.set('c', Buffer.alloc(10), 60_000)
    await store.get('a')
    await store.set('d', Buffer.alloc(10), 60_000)
    expect([await store.get('a'), await store.get('b'), await store.get('c'), await store.get('d')].map((v) => v !== undefined)).toEqual([true, false, true, true])
  })
})

describe('when Redis is unreachable', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase('features_noredis')
  })
  afterAll(async () => {
    await db?.drop()
  })

  it('logs it once, and commands, cache and cooldowns keep working in process', async () => {
    const port = await closedPort()
    const lines: { level: number; msg: string }[] = []
    const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } }))
    const client = createRedis(`redis://127.0.0.1:${port}`, log)
    await client.connect().catch(() => {})
    const store = createKvStore(client, log)
    expect(store).toBeInstanceOf(FallbackStore)
    // Let the client retry a few times in the background.
    await new Promise((r) => setTimeout(r, 1_800))

    const chat = { id: -1003000000401, title: 'No Redis' }
    const harness = new Harness({ db, now: new Date('2026-10-26T10:00:00Z'), store, cooldowns: { userSeconds: 60, chatSeconds: 0, buttonSeconds: 0 } })
    const u = new Updates()
    await harness.feed([u.message(chat, ANNA, '2026-10-26T08:00:00Z', 'hi')])
    const first = await harness.handle(u.command(chat, ANNA, '/stats', '2026-10-26T10:00:00Z'))
    expect(first.map((c) => c.method)).toEqual(['sendPhoto'])
    const second = await harness.handle(u.command(chat, ANNA, '/stats', '2026-10-26T10:00:00Z'))
    expect(second[0]?.payload.text).toMatch(/^⏳ Too many requests: try again in \d+ s\.$/)
    await harness.close()
    client.disconnect()

    const warnings = lines.filter((l) => l.level === 40)
    expect(warnings.map((l) => l.msg)).toEqual(['Redis is unreachable; answers and cooldowns use in-process memory until it is back'])
  })
})
