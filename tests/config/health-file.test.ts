import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../bot/config.ts'
import { checkHealthFile } from '../../bot/health-file.ts'
import { closedPort } from '../support/net.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'health-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function problem(file: string): string | undefined {
  try {
    checkHealthFile(file)
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
}

describe('HEALTH_FILE checked at start', () => {
  it('a new file in a writable directory, or a writable file, passes, and nothing is written', () => {
    expect(problem(join(dir, 'healthy'))).toBeUndefined()
    expect(existsSync(join(dir, 'healthy'))).toBe(false)
    writeFileSync(join(dir, 'old'), '')
    expect(problem(join(dir, 'old'))).toBeUndefined()
  })

  it('each way it cannot be written is one line naming HEALTH_FILE and saying why', () => {
    writeFileSync(join(dir, 'plain'), '')
    mkdirSync(join(dir, 'sub'))
    const cases: [string, string][] = [
      [join(dir, 'missing', 'healthy'), `the directory ${join(dir, 'missing')} does not exist`],
      [join(dir, 'plain', 'healthy'), `${join(dir, 'plain')} is not a directory`],
      [join(dir, 'sub'), 'it is a directory'],
      // Nobody, root included, may create files in /proc/self.
      ['/proc/self/healthy', `user id ${process.getuid!()} may not write there`],
    ]
    for (const [file, why] of cases) expect(problem(file)).toBe(`HEALTH_FILE ${file} cannot be written: ${why}`)
  })
})

describe('the bot process with HEALTH_FILE in a missing directory', () => {
  it('exits with code 1 and one Configuration error line, before any database or Telegram work', async () => {
    const file = join(dir, 'no-such-dir', 'healthy')
    const bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '', BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', HEALTH_FILE: file,
        // Both unreachable: without the check the bot would keep retrying them.
        DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/none`, TELEGRAM_API_ROOT: `http://127.0.0.1:${await closedPort()}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    bot.stdout.on('data', (d) => { stdout += d })
    bot.stderr.on('data', (d) => { stderr += d })
    const timer = setTimeout(() => bot.kill('SIGKILL'), 15_000)
    const code = await new Promise<number | null>((resolve) => bot.once('exit', resolve))
    clearTimeout(timer)
    expect(code, stdout).toBe(1)
    expect(stdout).toBe('')
    expect(stderr.trim().split('\n')).toEqual([`Configuration error: HEALTH_FILE ${file} cannot be written: the directory ${join(dir, 'no-such-dir')} does not exist`])
  })
})
