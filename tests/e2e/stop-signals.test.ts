import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { closedPort } from '../support/net.ts'
import { startBot } from '../support/run-bot.ts'

let api: FakeBotApi
let database: TestDatabase

beforeAll(async () => {
  api = await startFakeBotApi()
  database = await createTestDatabase('e2e_stop_signals')
})
afterAll(async () => {
  await api?.close()
  await database?.drop()
})

/** What keeps the bot retrying, and logging, until it is stopped: no database, no Bot API. */
async function unreachableEnv(): Promise<Record<string, string>> {
  return {
    BOT_TOKEN: '123456:AAFakeTokenForTheStopSignalTests',
    DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/none`,
    TELEGRAM_API_ROOT: `http://127.0.0.1:${await closedPort()}`,
    LOG_LEVEL: 'info',
  }
}

/** The exit code, or 'still running' (the process is then killed) after `ms`. */
async function exitWithin(bot: ChildProcess, exited: Promise<number | null>, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'still running'>((resolve) => { timer = setTimeout(() => resolve('still running'), ms) })
  const result = await Promise.race([exited, late])
  clearTimeout(timer)
  if (result === 'still running') bot.kill('SIGKILL')
  return result
}

const waitUntil = async (done: () => boolean, what: string, ms = 30_000) => {
  for (const until = Date.now() + ms; !done(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > until) throw new Error(`${what} not seen within ${ms} ms`)
  }
}

describe('stopping with stdout broken', () => {
  it("SIGTERM once stdout's reader is gone (EPIPE): a graceful stop, exit code 0, within seconds", async () => {
    const { bot, exited, output } = startBot(await unreachableEnv())
    await new Promise((resolve) => bot.stdout!.once('data', resolve))
    bot.stdout!.destroy()
    bot.kill('SIGTERM')
    expect(await exitWithin(bot, exited, 5000), output()).toBe(0)
  })
})

describe('SIGHUP', () => {
  it('stops the bot gracefully, as SIGTERM does: the handled update confirmed, exit code 0', async () => {
    api.pushUpdate({ message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: -1001234, type: 'supergroup', title: 'G' },
      from: { id: 77, is_bot: false, first_name: 'Ann' }, text: 'hi' } } as never)
    const { bot, exited, output } = startBot({ BOT_TOKEN: api.token, DATABASE_URL: database.url, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'info' })
    try {
      await api.waitFor(() => api.pending().length === 0 && api.confirmedOffset > 0, 60_000, 'the update to be confirmed')
      bot.kill('SIGHUP')
      expect(await exitWithin(bot, exited, 20_000), output()).toBe(0)
      const stopping = output().split('\n').find((line) => line.includes('"msg":"stopping'))
      expect(JSON.parse(stopping!)).toMatchObject({ signal: 'SIGHUP' })
      expect(output()).toContain('"msg":"stopped"')
    } finally {
      bot.kill('SIGKILL')
    }
  })

  // `script` (util-linux) gives the bot a terminal that the test can close.
  const hasScript = spawnSync('script', ['--version']).status === 0
  it.skipIf(!hasScript)('from a closed terminal: a graceful stop, exit code 0 (not killed, not aborted by Node)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stop-signals-'))
    // Stands for the terminal's shell: passes the hang-up on to its job, the bot, and says how it ended.
    const shell = `
      const { spawn } = require('node:child_process'), { writeFileSync } = require('node:fs')
      const bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], { stdio: 'inherit' })
      writeFileSync(process.env.DIR + '/pid', String(bot.pid))
      process.on('SIGHUP', () => bot.kill('SIGHUP'))
      bot.on('exit', (code, signal) => { writeFileSync(process.env.DIR + '/exit', JSON.stringify({ code, signal })); process.exit() })`
    const terminal = spawn('script', ['-qfc', 'exec "$NODE" -e "$SHELL_JS"', '/dev/null'], {
      env: { PATH: process.env.PATH, SHELL: '/bin/sh', NODE: process.execPath, SHELL_JS: shell, DIR: dir, ...(await unreachableEnv()) },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let screen = ''
    terminal.stdout!.on('data', (chunk: Buffer) => { screen += chunk.toString() })
    const read = (name: string) => { try { return readFileSync(join(dir, name), 'utf8') } catch { return undefined } }
    try {
      await waitUntil(() => screen.includes('retrying'), 'the bot running in the terminal')
      terminal.kill('SIGKILL')
      await waitUntil(() => read('exit') !== undefined, "the bot's exit", 20_000)
      expect(JSON.parse(read('exit')!), screen).toEqual({ code: 0, signal: null })
    } finally {
      terminal.kill('SIGKILL')
      const pid = Number(read('pid'))
      if (pid && read('exit') === undefined) process.kill(pid, 'SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
