import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.ts'
import type { UpdateInput } from '../support/fake-bot-api-updates.ts'
import { runBotUntilExit, startBot as startBotWith } from '../support/run-bot.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { createTrafficGenerator, rng } from '../support/synthetic-updates.ts'
import { group, T0, textMessage, user } from '../ingest/support/updates.ts'

let api: FakeBotApi
let database: TestDatabase

beforeAll(async () => {
  api = await startFakeBotApi()
  database = await createTestDatabase('e2e_once')
})
afterAll(async () => {
  await api?.close()
  await database?.drop()
})

function startBot(extraEnv: Record<string, string> = {}, databaseUrl = database.url): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    env: {
      ...extraEnv,
      PATH: process.env.PATH,
      BOT_TOKEN: api.token,
      DATABASE_URL: databaseUrl,
      TELEGRAM_API_ROOT: api.apiRoot,
      LOG_LEVEL: 'warn',
      BATCH_MAX_DELAY_MS: '5',
      BATCH_MAX_ROWS: '200',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode)
    else child.once('exit', (code) => resolve(code))
  })

describe('a bot that cannot reach the Bot API, or is refused by it, at start', () => {
  it('says so and keeps trying, and stops cleanly', async () => {
    // Nothing listens on port 9. grammY's own start-up retries network errors silently.
    const bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      env: { PATH: process.env.PATH, BOT_TOKEN: api.token, DATABASE_URL: database.url, TELEGRAM_API_ROOT: 'http://127.0.0.1:9', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    bot.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const said = () => output.split('\n').filter((line) => line.includes('cannot reach the Bot API; retrying') && line.includes('127.0.0.1:9')).length
    try {
      const until = Date.now() + 30_000
      while (said() < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      expect(said()).toBeGreaterThanOrEqual(2)
      // The failed requests' URLs hold the token: the log shows them with its secret hidden.
      expect(output).toContain(`/bot${api.token.split(':')[0]}:***/`)
      expect(output).not.toContain(api.token.split(':')[1])
    } finally {
      bot.kill('SIGTERM')
    }
    expect(await exited(bot)).toBe(0)
  })

  it('stops with exit code 1 and says why when Telegram rejects the token', async () => {
    const { code, output } = await runBotUntilExit(
      { BOT_TOKEN: '111111:RejectedRejectedRejectedRejected', DATABASE_URL: database.url, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'info' })
    expect(code).toBe(1)
    expect(output).toContain('Telegram rejected BOT_TOKEN (401 Unauthorized); check the token with @BotFather')
  })
})

describe('a bot killed with SIGKILL mid-stream', () => {
  it('stores every update exactly once after restarts', async () => {
    const traffic = createTrafficGenerator({ chats: 7, users: 60, seed: 7 })
    const random = rng(99)
    const total = 6000
    let pushed = 0
    const pushSome = (n: number) => {
      const list = []
      for (let i = 0; i < n && pushed < total; i++, pushed++) list.push(traffic.next())
      api.pushUpdates(list)
    }
    pushSome(1500)

    for (let round = 0; round < 5; round++) {
      const bot = startBot()
      const offsetBefore = api.confirmedOffset
      // Kill it while it is busy: after it has confirmed something new, at a random moment.
      await api.waitFor(() => api.confirmedOffset > offsetBefore, 30_000, 'the bot to confirm updates')
      pushSome(600)
      await new Promise((r) => setTimeout(r, 20 + random() * 300))
      bot.kill('SIGKILL')
      await exited(bot)
    }
    pushSome(total)

    const healthFile = path.join(tmpdir(), `tg-health-${process.pid}-${Date.now()}`)
    const bot = startBot({ HEALTH_FILE: healthFile })
    await api.waitFor(() => api.pending().length === 0, 60_000, 'every update to be confirmed')
    // The heartbeat for container health checks: touched while polling and committing work.
    await api.waitFor(() => existsSync(healthFile), 15_000, 'the health file')
    expect(Date.now() - statSync(healthFile).mtimeMs).toBeLessThan(30_000)
    rmSync(healthFile, { force: true })
    bot.kill('SIGTERM')
    expect(await exited(bot)).toBe(0)

    const e = traffic.expected
    const sql = database.sql
    const [counts] = await sql<{ messages: number; edits: number; edit_sum: number; reactions: number; members: number }[]>`
      SELECT (SELECT count(*)::int FROM messages) AS messages,
             (SELECT count(*)::int FROM message_edits) AS edits,
             (SELECT coalesce(sum(edit_count), 0)::int FROM messages) AS edit_sum,
             (SELECT count(*)::int FROM reaction_events) AS reactions,
             (SELECT count(*)::int FROM member_events) AS members`
    expect(counts).toEqual({
      messages: e.messages, edits: e.edits, edit_sum: e.edits, reactions: e.reactionEvents, members: e.memberEvents,
    })
    const perMessage = await sql<{ key: string; edit_count: number }[]>`
      SELECT chat_id || ':' || message_id AS key, edit_count FROM messages WHERE edit_count > 0`
    expect(new Map(perMessage.map((r) => [r.key, r.edit_count]))).toEqual(e.editsPerMessage)
    expect(api.confirmedOffset).toBeGreaterThan(0)

    // Rollups kept in the same transactions agree with the raw rows: nothing counted twice there either.
    const mismatches = await sql`
      WITH raw AS (
        SELECT chat_id, (date AT TIME ZONE 'UTC')::date AS day, count(*)::int AS messages FROM messages GROUP BY 1, 2
      ), raw_senders AS (
        SELECT chat_id, sender_id, count(*)::int AS messages FROM messages GROUP BY 1, 2
      )
      SELECT 'day' AS kind, r.chat_id, r.day::text AS key FROM raw r
        FULL JOIN chat_activity_day d ON d.chat_id = r.chat_id AND d.day = r.day
        WHERE r.messages IS DISTINCT FROM NULLIF(d.messages, 0)
      UNION ALL
      SELECT 'sender', s.chat_id, s.sender_id::text FROM raw_senders s
        FULL JOIN (SELECT chat_id, sender_id, sum(messages)::int AS messages FROM sender_day GROUP BY 1, 2) t
          ON t.chat_id = s.chat_id AND t.sender_id = s.sender_id
        WHERE s.messages IS DISTINCT FROM NULLIF(t.messages, 0)`
    expect(mismatches).toEqual([])
    const [reactions] = await sql<{ raw: number; rolled: number }[]>`
      SELECT (SELECT coalesce(sum(added), 0)::int FROM reaction_events) AS raw,
             (SELECT coalesce(sum(reactions), 0)::int FROM chat_activity_15m) AS rolled`
    expect(reactions!.rolled).toBe(reactions!.raw)
    const [members] = await sql<{ joins: number; leaves: number; rj: number; rl: number }[]>`
      SELECT count(*) FILTER (WHERE direction = 1)::int AS joins, count(*) FILTER (WHERE direction = -1)::int AS leaves,
             (SELECT sum(joins)::int FROM chat_activity_day) AS rj, (SELECT sum(leaves)::int FROM chat_activity_day) AS rl
      FROM member_events`
    expect([members!.rj, members!.rl]).toEqual([members!.joins, members!.leaves])
  }, 240_000)
})

describe('a bot whose updates Telegram numbers anew (after a week without any), lower than before', () => {
  it('stores them, while it runs and after a restart, and confirms them', async () => {
    const own = await createTestDatabase('e2e_renumber')
    const chat = group(-1003900000001, 'Renumbered')
    const from = user(3901, 'Quiet')
    const push = (firstMessageId: number, n: number) =>
      api.pushUpdates(Array.from({ length: n }, (_, i) =>
        ({ message: textMessage({ chat, messageId: firstMessageId + i, date: T0 + firstMessageId + i, from, text: 'hi' }) }) as UpdateInput))
    const stored = async () =>
      (await own.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM messages WHERE chat_id = ${chat.id}`)[0]!.n
    const waitStored = async (n: number) => {
      const until = Date.now() + 30_000
      while ((await stored()) < n && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      expect(await stored()).toBe(n)
    }
    let bot: ChildProcess | undefined
    try {
      await api.waitFor(() => api.pending().length === 0, 60_000, 'the earlier test to leave nothing pending')
      bot = startBot({}, own.url)
      push(1, 3)
      await waitStored(3)
      await api.waitFor(() => api.pending().length === 0, 30_000, 'the first updates to be confirmed')
      const before = api.confirmedOffset - 1
      // While it runs: the next ids are below those it has seen.
      api.renumber(before - 2)
      push(4, 2)
      await waitStored(5)
      await api.waitFor(() => api.pending().length === 0, 30_000, 'the renumbered updates to be confirmed')
      bot.kill('SIGTERM')
      expect(await exited(bot)).toBe(0)
      const watermark = async () => Number((await own.sql<{ id: string }[]>`SELECT last_update_id AS id FROM bot_state`)[0]!.id)
      expect(await watermark()).toBe(before - 1)
      // While it is stopped, the new ids pass the old numbering's last: the restart must not ask for
      // an offset past them (one from the old numbering would confirm them unstored).
      const runUntilStored = async (n: number, what: string) => {
        bot = startBot({}, own.url)
        await waitStored(n)
        await api.waitFor(() => api.pending().length === 0, 30_000, what)
        bot.kill('SIGTERM')
        expect(await exited(bot)).toBe(0)
      }
      push(6, 3)
      await runUntilStored(8, 'the updates past the old numbering to be confirmed')
      // Numbered anew while it is stopped: at restart it asks past its stored watermark, and gets lower ids.
      api.renumber(Math.max(1, api.confirmedOffset - 300))
      push(9, 2)
      await runUntilStored(10, 'the updates renumbered while it was stopped to be confirmed')
      expect(await own.sql`SELECT message_id FROM messages WHERE chat_id = ${chat.id} ORDER BY 1`).toEqual(
        Array.from({ length: 10 }, (_, i) => ({ message_id: i + 1 })))
    } finally {
      if (bot && bot.exitCode === null && bot.signalCode === null) {
        bot.kill('SIGKILL')
        await exited(bot)
      }
      await own.drop()
    }
  }, 120_000)
})

describe('a second process started with the same token', () => {
  it('takes over: the first gives way without ending its poll, and every update is stored once', async () => {
    // Telegram answers the older of two polls with 409 Conflict. The first process's last
    // getUpdates (confirming its offset) would end the second's poll in turn, and both would stop.
    const own = await createTestDatabase('e2e_conflict')
    const telegram = await startFakeBotApi()
    const run = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
        env: { PATH: process.env.PATH, BOT_TOKEN: telegram.token, DATABASE_URL: own.url, TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let output = ''
      child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      return { child, output: () => output }
    }
    const chat = group(-1003300000001, 'Twice')
    const ann = user(3301, 'Ann')
    const first = run()
    let second: ReturnType<typeof run> | undefined
    try {
      telegram.pushUpdate({ message: textMessage({ chat, messageId: 1, date: T0, from: ann, text: 'one' }) } as never)
      await telegram.waitFor(() => telegram.pending().length === 0 && telegram.confirmedOffset > 0, 60_000, 'the first update to be confirmed')
      second = run()
      expect(await exited(first.child), first.output()).toBe(1)
      const fatal = first.output().split('\n').filter((line) => line.includes('"level":60'))
      expect(fatal).toHaveLength(1)
      expect(fatal[0]).toContain('another process polls with this bot token')
      telegram.pushUpdate({ message: textMessage({ chat, messageId: 2, date: T0 + 1, from: ann, text: 'two' }) } as never)
      await telegram.waitFor(() => telegram.pending().length === 0, 60_000, 'the second process to store the next update')
      expect(second.child.exitCode).toBe(null)
      expect(await own.sql`SELECT message_id FROM messages ORDER BY message_id`).toEqual([{ message_id: 1 }, { message_id: 2 }])
      second.child.kill('SIGTERM')
      expect(await exited(second.child), second.output()).toBe(0)
    } finally {
      first.child.kill('SIGKILL')
      second?.child.kill('SIGKILL')
      await telegram.close()
      await own.drop()
    }
  }, 120_000)
})

describe('a token revoked while the bot polls', () => {
  it('is said in one line naming BOT_TOKEN, exit code 1; what was stored stays', async () => {
    const own = await createTestDatabase('e2e_revoked')
    const telegram = await startFakeBotApi()
    const { bot, exited, output } = startBotWith({ BOT_TOKEN: telegram.token, DATABASE_URL: own.url, TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'info' })
    try {
      telegram.pushUpdate({ message: textMessage({ chat: group(-1003400000001, 'Revoked'), messageId: 1, date: T0, from: user(3401, 'Ann'), text: 'one' }) } as never)
      await telegram.waitFor(() => telegram.pending().length === 0 && telegram.confirmedOffset > 0, 60_000, 'the update to be confirmed')
      telegram.failNext('getUpdates', { error_code: 401, description: 'Unauthorized' }, 1000)
      expect(await exited, output()).toBe(1)
      const fatal = output().split('\n').filter((line) => line.includes('"level":60'))
      expect(fatal).toHaveLength(1)
      expect(fatal[0]).toContain('Telegram rejected BOT_TOKEN (401 Unauthorized) while polling')
      expect(output()).not.toContain('could not confirm the last offset')
      expect(await own.sql`SELECT message_id FROM messages`).toEqual([{ message_id: 1 }])
    } finally {
      bot.kill('SIGKILL')
      await telegram.close()
      await own.drop()
    }
  }, 120_000)
})
