import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { describe, expect, it } from 'vitest'

/** A port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

function startBot(env: Record<string, string>): { bot: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  bot.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => bot.once('exit', resolve))
  return { bot, exited, stderr: () => stderr }
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

describe('stopping with stdout broken', () => {
  it("SIGTERM once stdout's reader is gone (EPIPE): a graceful stop, exit code 0, within seconds", async () => {
    // An unreachable database keeps the bot retrying, and logging, until it is stopped.
    const { bot, exited, stderr } = startBot({
      BOT_TOKEN: '123456:AAFakeTokenForTheStopSignalTests',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/none`,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${await closedPort()}`,
      LOG_LEVEL: 'info',
    })
    await new Promise((resolve) => bot.stdout!.once('data', resolve))
    bot.stdout!.destroy()
    bot.kill('SIGTERM')
    expect(await exitWithin(bot, exited, 5000), stderr()).toBe(0)
  })
})
