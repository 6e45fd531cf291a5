import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseErrorKind } from '../../bot/start-database.ts'
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.ts'
import { runBotUntilExit } from '../support/run-bot.ts'
import { migrateDatabase } from '../../db/migrate.ts'
import { ADMIN_URL, createTestDatabase, withDatabase } from '../support/test-db.ts'

let api: FakeBotApi
const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
const role = `setup_role_${suffix}`
const closedDb = `setup_closed_${suffix}`

beforeAll(async () => {
  api = await startFakeBotApi()
  // PostgreSQL 15 and later: a role that does not own the database may not create tables in it.
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE ROLE "${role}" LOGIN`)
  await admin.unsafe(`CREATE DATABASE "${closedDb}"`)
  await admin.unsafe(`REVOKE CREATE ON DATABASE "${closedDb}" FROM PUBLIC`)
  await admin.end()
})
afterAll(async () => {
  await api?.close()
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`DROP DATABASE IF EXISTS "${closedDb}" WITH (FORCE)`)
  await admin.unsafe(`DROP ROLE IF EXISTS "${role}"`)
  await admin.end()
})

const runBot = (databaseUrl: string) =>
  runBotUntilExit({ BOT_TOKEN: api.token, DATABASE_URL: databaseUrl, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'info' })

describe('a database that refuses the bot', () => {
  it('a database that does not exist: one line naming DATABASE_URL (password hidden), exit code 1', async () => {
    const url = new URL(withDatabase(ADMIN_URL, `missing_${suffix}`))
    url.password = 'very-secret'
    const { code, output } = await runBot(url.toString())
    expect(code).toBe(1)
    const fatal = output.trim().split('\n').filter((line) => line.includes('"level":60'))
    expect(fatal).toHaveLength(1)
    expect(fatal[0]).toContain(`cannot use DATABASE_URL`)
    expect(fatal[0]).toContain(`database \\"missing_${suffix}\\" does not exist`)
    expect(output).not.toContain('very-secret')
    expect(output).not.toContain('retrying')
    expect(output).not.toContain('    at ')
  })

  it('a port where something else listens (an HTTP server, say): one line saying so, exit code 1, at once', async () => {
    // It answers anything with an HTTP error and hangs up, as such servers do.
    const other = net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')))
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
    const port = (other.address() as net.AddressInfo).port
    try {
      const { code, output } = await runBot(`postgres://postgres:very-secret@127.0.0.1:${port}/analytics`)
      expect(code).toBe(1)
      const fatal = output.trim().split('\n').filter((line) => line.includes('"level":60'))
      expect(fatal).toHaveLength(1)
      expect(fatal[0]).toContain(`what listens on 127.0.0.1:${port} does not speak PostgreSQL`)
      expect(output).not.toContain('very-secret')
      expect(output).not.toContain('retrying')
    } finally {
      other.close()
    }
  })

  it('a port where something takes the connection and says nothing (Redis, say): said within seconds, and retried', async () => {
    const sockets: net.Socket[] = []
    const silent = net.createServer((socket) => sockets.push(socket))
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const port = (silent.address() as net.AddressInfo).port
    try {
      // The driver alone would wait out its 30 s connect timeout before saying anything.
      const { output } = await runBotUntilExit({ BOT_TOKEN: api.token, DATABASE_URL: `postgres://127.0.0.1:${port}/analytics`, TELEGRAM_API_ROOT: api.apiRoot }, 9_000)
      const said = output.split('\n').filter((line) => line.includes(`what listens on 127.0.0.1:${port} took the connection but said nothing`))
      expect(said.length).toBeGreaterThanOrEqual(2)
      expect(said[0]).toContain('retrying')
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  })

  it('a port that takes the connection and closes it without a word (a forwarder whose server is down): retried, not refused', async () => {
    const forwarder = net.createServer((socket) => socket.end())
    await new Promise<void>((r) => forwarder.listen(0, '127.0.0.1', r))
    const port = (forwarder.address() as net.AddressInfo).port
    try {
      const { code, output } = await runBotUntilExit({ BOT_TOKEN: api.token, DATABASE_URL: `postgres://127.0.0.1:${port}/analytics`, TELEGRAM_API_ROOT: api.apiRoot }, 5_000)
      // Still running after 5 s: the driver's own connect timeout comes before its first retry line.
      expect(code).toBe(null)
      expect(output).not.toContain('does not speak PostgreSQL')
      expect(output).not.toContain('"level":60')
    } finally {
      forwarder.close()
    }
  })

  it('a role that may not create tables: says so once and exits 1 instead of retrying as if the server were down', async () => {
    const url = new URL(withDatabase(ADMIN_URL, closedDb))
    url.username = role
    const { code, output } = await runBot(url.toString())
    expect(code).toBe(1)
    expect(output).toContain('permission denied')
    expect(output).not.toContain('database is unreachable')
  })
})

describe('tables changed by hand since they were migrated', () => {
  it("member_events' old unique key, where migration 0009 could not drop it: warned of at start, and the bot runs", async () => {
    const db = await createTestDatabase('setup_old_key')
    try {
      await migrateDatabase(db.sql)
      await db.sql`CREATE UNIQUE INDEX member_events_natural_idx ON member_events (chat_id, user_id, direction, date)`
      const { code, output } = await runBotUntilExit({ BOT_TOKEN: api.token, DATABASE_URL: db.url, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'info' }, 8_000)
      expect(code).toBe(null)
      expect(output.split('\n').filter((line) => line.includes('"level":40') && line.includes('member_events keeps its unique key'))).toHaveLength(1)
      expect(output).toContain('polling for updates')
    } finally {
      await db.drop()
    }
  })

  it('a unique key dropped that only ON CONFLICT DO NOTHING relies on: named at start, exit code 1, nothing fetched', async () => {
    // Without that key a replayed update would be stored twice, and no statement would fail.
    const db = await createTestDatabase('setup_drift')
    try {
      await migrateDatabase(db.sql)
      await db.sql`DROP INDEX reaction_events_update_idx`
      await db.sql`ALTER TABLE users RENAME COLUMN username TO handle`
      const calls = api.calls.length
      const { code, output } = await runBot(db.url)
      expect(code).toBe(1)
      const fatal = output.trim().split('\n').filter((line) => line.includes('"level":60'))
      expect(fatal).toHaveLength(1)
      expect(fatal[0]).toContain('reaction_events: no unique key on (update_id, date)')
      expect(fatal[0]).toContain('users: no column username')
      expect(api.calls.slice(calls).map((c) => c.method)).not.toContain('getUpdates')
    } finally {
      await db.drop()
    }
  })
})

describe('BOT_TOKEN checked before the database is set up', () => {
  it('a token Telegram rejects: one line saying so, exit code 1, without waiting for a database that is down', async () => {
    const down = net.createServer()
    await new Promise<void>((r) => down.listen(0, '127.0.0.1', r))
    const port = (down.address() as net.AddressInfo).port
    await new Promise((r) => down.close(r))
    const { code, output } = await runBotUntilExit(
      { BOT_TOKEN: '111111:RejectedRejectedRejectedRejected', DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'info' },
      15_000,
    )
    expect(code).toBe(1)
    const fatal = output.trim().split('\n').filter((line) => line.includes('"level":60'))
    expect(fatal.map((line) => JSON.parse(line).msg)).toEqual(['Telegram rejected BOT_TOKEN (401 Unauthorized); check the token with @BotFather'])
    expect(output).not.toContain('database is unreachable')
  })

  it('Telegram out of reach: said, the database set up meanwhile, getMe asked again after; SIGTERM stops it with 0', async () => {
    const db = await createTestDatabase('setup_offline')
    const bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      env: { PATH: process.env.PATH, BOT_TOKEN: api.token, DATABASE_URL: db.url, TELEGRAM_API_ROOT: 'http://127.0.0.1:9', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    bot.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const exited = new Promise<number | null>((resolve) => bot.once('exit', resolve))
    const messages = () => output.split('\n').filter(Boolean).map((line) => JSON.parse(line).msg as string)
    try {
      const until = Date.now() + 30_000
      while (!messages().includes('cannot reach the Bot API; retrying') && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      const order = messages().filter((m) => m.startsWith('cannot reach') || m === 'storage engine')
      expect(order.slice(0, 3)).toEqual(['cannot reach the Bot API to check BOT_TOKEN; setting up the database meanwhile', 'storage engine', 'cannot reach the Bot API; retrying'])
    } finally {
      bot.kill('SIGTERM')
      expect(await exited).toBe(0)
      await db.drop()
    }
  })
})

describe('what a database error means for start-up', () => {
  it('tells an outage from a refusal and from a bug, looking through the migrator\'s wrapper', () => {
    // What the server sends carries a severity (postgres.js's PostgresError); Node's own errors do not.
    const server = (message: string, code: string) => Object.assign(new Error(message), { code, severity: 'ERROR' })
    expect(databaseErrorKind(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('down')
    expect(databaseErrorKind(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe('down')
    expect(databaseErrorKind(new Error('Failed query: …', { cause: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) }))).toBe('down')
    expect(databaseErrorKind(server('the database system is starting up', '57P03'))).toBe('down')
    expect(databaseErrorKind(server('canceling statement due to statement timeout', '57014'))).toBe('down')
    expect(databaseErrorKind(server('connection failure', '08006'))).toBe('down')
    expect(databaseErrorKind(server('password authentication failed', '28P01'))).toBe('refused')
    expect(databaseErrorKind(new Error('Failed query: CREATE TABLE …', { cause: server('permission denied for database x', '42501') }))).toBe('refused')
    expect(databaseErrorKind(new Error('Failed query: CREATE TABLE …', { cause: server('relation already exists', '42P07') }))).toBe('bug')
  })
})
