import { describe, expect, it } from 'vitest'
import { hiddenForms, redact, tokenSecret } from '../../bot/logger.ts'

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
