import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../bot/config.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const GOOD = {
  BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
  DATABASE_URL: 'postgres://bot:secret@db.internal:5432/analytics',
}

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`)
}

describe('loadConfig', () => {
  it('accepts a good environment and fills the defaults', () => {
    const config = loadConfig({ ...GOOD, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/', REDIS_URL: 'redis://cache:6379/0', PATH: '/usr/bin' })
    expect(config).toMatchObject({
      botToken: GOOD.BOT_TOKEN, botId: 123456789, databaseUrl: GOOD.DATABASE_URL, apiRoot: 'http://127.0.0.1:8081',
      redisUrl: 'redis://cache:6379/0', logLevel: 'info', warnWithoutAdmin: true, batchMaxRows: 5000, batchMaxDelayMs: 0, batchLanes: 2,
    })
    expect(loadConfig({ BOT_TOKEN: GOOD.BOT_TOKEN }).apiRoot).toBe('https://api.telegram.org')
  })

  it.each([
    ['BOT_TOKEN', 'missing', { DATABASE_URL: GOOD.DATABASE_URL }],
    ['BOT_TOKEN', 'empty', { BOT_TOKEN: '', DATABASE_URL: GOOD.DATABASE_URL }],
    ['BOT_TOKEN', 'without the id', { BOT_TOKEN: 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' }],
    ['BOT_TOKEN', 'with a short secret', { BOT_TOKEN: '123456:abc' }],
    ['BOT_TOKEN', 'with spaces', { BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJx fSeofSAs0K5PALDsaw' }],
    ['DATABASE_URL', 'mysql://', { ...GOOD, DATABASE_URL: 'mysql://root@localhost/analytics' }],
    ['DATABASE_URL', 'a bare host', { ...GOOD, DATABASE_URL: 'localhost:5432' }],
    ['DATABASE_URL', 'an unparsable port', { ...GOOD, DATABASE_URL: 'postgres://host:port/db' }],
    ['REDIS_URL', 'http://', { ...GOOD, REDIS_URL: 'http://cache:6379' }],
    ['REDIS_URL', 'a bare host', { ...GOOD, REDIS_URL: 'cache:6379' }],
    ['TELEGRAM_API_ROOT', 'without a scheme', { ...GOOD, TELEGRAM_API_ROOT: 'api.telegram.org' }],
    ['TELEGRAM_API_ROOT', 'ftp://', { ...GOOD, TELEGRAM_API_ROOT: 'ftp://api.telegram.org' }],
    // Method paths are appended: they would land in the query or the fragment.
    ['TELEGRAM_API_ROOT', 'with a query', { ...GOOD, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/?a' }],
    ['TELEGRAM_API_ROOT', 'with a fragment', { ...GOOD, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/#x' }],
    ['LOG_LEVEL', 'verbose', { ...GOOD, LOG_LEVEL: 'verbose' }],
    ['BATCH_MAX_ROWS', 'not a number', { ...GOOD, BATCH_MAX_ROWS: 'lots' }],
    ['BATCH_MAX_DELAY_MS', 'negative', { ...GOOD, BATCH_MAX_DELAY_MS: '-5' }],
    ['BATCH_LANES', 'zero', { ...GOOD, BATCH_LANES: '0' }],
    ['NO_ADMIN_WARNING', 'not a boolean', { ...GOOD, NO_ADMIN_WARNING: 'maybe' }],
    ['BATCH_MAX_ROWS', 'in hex', { ...GOOD, BATCH_MAX_ROWS: '0x10' }],
    ['BATCH_MAX_ROWS', 'with an exponent', { ...GOOD, BATCH_MAX_ROWS: '1e3' }],
    ['BATCH_MAX_ROWS', 'over its most', { ...GOOD, BATCH_MAX_ROWS: '100001' }],
    ['COOLDOWN_USER_SECONDS', 'a fraction', { ...GOOD, COOLDOWN_USER_SECONDS: '1.5' }],
  ])('%s %s → ConfigError with one line naming the variable', (variable, _case, env) => {
    const error = configError(env)
    expect(error.message.split('\n')).toHaveLength(1)
    expect(error.message.startsWith(`${variable} `)).toBe(true)
    expect(error.message.length).toBeGreaterThan(variable.length + 8)
    // The secret part of a token is never echoed back.
    if ('BOT_TOKEN' in env && env.BOT_TOKEN) expect(error.message).not.toContain(env.BOT_TOKEN.split(':').pop())
  })

  it('a blank variable counts as unset, as an empty one does', () => {
    expect(loadConfig({ ...GOOD, BATCH_MAX_ROWS: '  ', DATA_DIR: ' ', LOG_LEVEL: '\t' })).toMatchObject({ batchMaxRows: 5000, dataDir: './data', logLevel: 'info' })
  })

  it("a malformed BOT_TOKEN is told the format @BotFather gives, not an example like the README's placeholder", () => {
    for (const token of ['123456:ABC-your-token', '123456789:AAHdq', 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw']) {
      expect(configError({ BOT_TOKEN: token }).message).toBe('BOT_TOKEN does not look like a bot token; @BotFather gives it as <bot id>:<35 letters, digits, - or _>')
    }
    const readme = readFileSync(`${ROOT}README.md`, 'utf8')
    expect(readme).toMatch(/\| `BOT_TOKEN` \|[^\n]*`<bot id>:<35 letters, digits, - or _>`/)
  })

  it('a number out of range or not whole says the range', () => {
    for (const value of ['0x10', '1e3', '100001', '-1']) {
      expect(configError({ ...GOOD, BATCH_MAX_ROWS: value }).message).toBe('BATCH_MAX_ROWS must be a whole number from 1 to 100,000')
    }
    expect(loadConfig({ ...GOOD, BATCH_MAX_ROWS: ' 100000 ' }).batchMaxRows).toBe(100_000)
  })

  it('a flag takes true/false, 1/0, yes/no and on/off in any case', () => {
    for (const [value, flag] of [['TRUE', true], ['Yes', true], ['on', true], ['1', true], ['False', false], ['NO', false], ['off', false], ['0', false]] as const) {
      expect(loadConfig({ ...GOOD, NO_ADMIN_WARNING: value }).warnWithoutAdmin).toBe(flag)
    }
  })

  it('LOG_LEVEL is taken in any case, as pino names it', () => {
    for (const [value, level] of [['INFO', 'info'], ['Debug', 'debug'], [' WARN ', 'warn'], ['silent', 'silent']] as const) {
      expect(loadConfig({ ...GOOD, LOG_LEVEL: value }).logLevel).toBe(level)
    }
  })

  it('the LOG_LEVEL message lists the valid levels', () => {
    expect(configError({ ...GOOD, LOG_LEVEL: 'verbose' }).message).toMatch(/info/)
  })

  it('several bad values give one line each', () => {
    const error = configError({ BOT_TOKEN: 'nope', DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud' })
    const lines = error.message.split('\n')
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['BOT_TOKEN', 'DATABASE_URL', 'LOG_LEVEL'])
  })
})

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (d) => { stderr += d })
    child.stdout.on('data', (d) => { stdout += d })
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`bot/main.ts did not exit; stderr: ${stderr}`)) }, 30_000)
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, stderr, stdout }) })
  })
}

describe('the bot process with a bad configuration', () => {
  it('exits with code 1 and one clear line naming LOG_LEVEL on stderr, no stack trace', async () => {
    const { code, stderr, stdout } = await runMain({ BOT_TOKEN: GOOD.BOT_TOKEN, LOG_LEVEL: 'chatty' })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    const reasons = stderr.split('\n').filter((l) => l.includes('LOG_LEVEL'))
    expect(reasons).toHaveLength(1)
    expect(reasons[0]).toMatch(/must be one of .*info/)
    expect(stderr).not.toMatch(/\n\s+at /)
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Configuration error: LOG_LEVEL must be one of /)])
  })

  it('exits with code 1 naming BOT_TOKEN when it is missing', async () => {
    const { code, stderr } = await runMain({ DATABASE_URL: GOOD.DATABASE_URL })
    expect(code).toBe(1)
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Configuration error: BOT_TOKEN is required/)])
    expect(stderr).not.toMatch(/\n\s+at /)
  })
})
