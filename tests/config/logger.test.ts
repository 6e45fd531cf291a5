import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { configSecrets, hiddenForms, redact, tokenSecret } from '../../bot/logger.ts'

describe('secrets in log lines', () => {
  it('are hidden as they are, JSON-escaped and URL-encoded, and nothing else is', () => {
    const secret = 'p"a\\ss/wörd+1'
    const forms = hiddenForms([secret, undefined, 'short'])
    const line = JSON.stringify({ msg: `as is ${secret}`, url: `http://u:${encodeURIComponent(secret)}@h/`, other: 'short and plain' })
    const out = redact(line, forms)
    expect(JSON.parse(out)).toEqual({ msg: 'as is ***', url: 'http://u:***@h/', other: 'short and plain' })
  })

  it('a secret holding another is hidden whole', () => {
    const forms = hiddenForms(['abcdef', 'xxabcdefyy'])
    expect(redact('[xxabcdefyy] [abcdef]', forms)).toBe('[***] [***]')
  })

  it("of a bot token, the part after the colon (the bot's id is public)", () => {
    const token = '123456:AAFakeSecretPart_-x'
    expect(redact(`GET /bot${token}/getMe`, hiddenForms([tokenSecret(token)]))).toBe('GET /bot123456:***/getMe')
  })
})

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

describe("the configuration's secrets", () => {
  it("are the token's secret part and a proxy's password in TELEGRAM_API_ROOT, decoded as it is sent", () => {
    expect(configSecrets({ botToken: '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', apiRoot: 'http://user:p%40ss-word@127.0.0.1:8081' }))
      .toEqual(['AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', 'p%40ss-word', 'p@ss-word'])
    // A stray % cannot be decoded: it is hidden as written, and nothing throws.
    expect(configSecrets({ botToken: '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', apiRoot: 'http://user:p%zz-word@127.0.0.1:8081' }))
      .toEqual(['AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', 'p%zz-word', undefined])
    expect(configSecrets({ botToken: '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', apiRoot: 'https://api.telegram.org' }))
      .toEqual(['AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', undefined, undefined])
  })
})

describe('a logger with secrets to hide', () => {
  it('writes every line, hidden, before the process exits, even to a reader that lags (as a container log pipe may)', async () => {
    const script = `
      import { createLogger } from './bot/logger.ts'
      const log = createLogger('info', { secrets: ['TopSecretPart123'] })
      for (let i = 0; i < 20000; i++) log.info({ i, url: '/bot1:TopSecretPart123/getMe' }, 'line')
      log.fatal('the last words')
      process.exit(1)`
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    const chunks: Buffer[] = []
    child.stdout.pause()
    setTimeout(() => child.stdout.resume(), 1500)
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)))
    const lines = Buffer.concat(chunks).toString().trim().split('\n')
    expect(code).toBe(1)
    expect(lines).toHaveLength(20_001)
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ msg: 'the last words' })
    expect(lines.some((l) => l.includes('TopSecretPart123'))).toBe(false)
    expect(JSON.parse(lines[0]!)).toMatchObject({ url: '/bot1:***/getMe' })
  }, 30_000)
})
