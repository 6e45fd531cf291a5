import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, loadLoginConfig } from '../../stats-loader/config.ts'
import { botApiChannelId, mtprotoChannelId, parsePeerRef } from '../../stats-loader/peer-ref.ts'

const enabled = {
  MTPROTO_ENABLED: 'true',
  MTPROTO_STATS_ENABLED: 'true',
  MTPROTO_API_ID: '123456',
  MTPROTO_API_HASH: '0123456789abcdef0123456789abcdef',
  MTPROTO_SESSION: '1AgAOMTQ5LjE1NC4xNjcuNTEBu0',
  MTPROTO_STATS_PEERS: '@fruit_news, https://t.me/veg_chat -1001234567890',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app',
}

function configError(env: Record<string, string>, argv: string[] = []): string {
  try {
    loadConfig(env, argv)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('is disabled by default, even with everything else set', () => {
    expect(loadConfig({})).toMatchObject({ enabled: false })
    expect(loadConfig({ ...enabled, MTPROTO_STATS_ENABLED: '' })).toMatchObject({ enabled: false, reason: 'MTPROTO_STATS_ENABLED is not true' })
    expect(loadConfig({ ...enabled, MTPROTO_ENABLED: 'false' })).toMatchObject({ enabled: false })
  })

  it('does not demand credentials while disabled', () => {
    expect(() => loadConfig({ MTPROTO_ENABLED: 'true' })).not.toThrow()
  })

  it('parses a full configuration with defaults', () => {
    const config = loadConfig(enabled)
    if (!config.enabled) throw new Error('expected enabled')
    expect(config.peers.map((p) => (p.kind === 'id' ? `id:${p.channelId}` : `@${p.username}`))).toEqual(['@fruit_news', '@veg_chat', 'id:1234567890'])
    expect(config).toMatchObject({ apiId: 123456, concurrency: 3, schedule: undefined, timeZone: 'UTC', requestTimeoutMs: 30_000, floodSleepMaxSeconds: 120 })
  })

  it('takes the schedule from the environment or from --schedule', () => {
    expect(loadConfig({ ...enabled, MTPROTO_STATS_SCHEDULE: '0 */6 * * *' })).toMatchObject({ schedule: '0 */6 * * *' })
    expect(loadConfig(enabled, ['--schedule', '15 3 * * *'])).toMatchObject({ schedule: '15 3 * * *' })
    expect(loadConfig(enabled, ['--schedule=15 3 * * *'])).toMatchObject({ schedule: '15 3 * * *' })
  })

  it('names every bad value in one error', () => {
    const message = configError({
      MTPROTO_ENABLED: 'true',
      MTPROTO_STATS_ENABLED: 'true',
      MTPROTO_API_HASH: 'nothex',
    })
    expect(message).toContain('MTPROTO_API_HASH must be the 32-character hex api_hash')
    const missing = configError({ MTPROTO_ENABLED: 'true', MTPROTO_STATS_ENABLED: 'true', MTPROTO_STATS_PEERS: 't.me/+AbCdEf, -42, ok_name' })
    expect(missing.split('\n')).toEqual([
      'MTPROTO_API_ID is required (from my.telegram.org → API development tools)',
      'MTPROTO_API_HASH is required (from my.telegram.org → API development tools)',
      'MTPROTO_SESSION is required: run `npm run stats-loader:login` once and keep the string it prints',
      'DATABASE_URL is required for the stats-loader',
      'MTPROTO_STATS_PEERS entry "t.me/+AbCdEf" is an invite link; use the @username or the numeric id instead',
      'MTPROTO_STATS_PEERS entry "-42" is a basic group or user id; only channels and supergroups (-100…) have statistics',
    ])
  })

  it('rejects a bad cron expression, concurrency or flag', () => {
    expect(configError({ ...enabled, MTPROTO_STATS_SCHEDULE: 'every hour' })).toMatch(/^MTPROTO_STATS_SCHEDULE "every hour" is not a cron expression/)
    expect(configError(enabled, ['--schedule'])).toMatch(/MTPROTO_STATS_SCHEDULE "" is not a cron expression/)
    expect(configError({ ...enabled, MTPROTO_STATS_CONCURRENCY: '0' })).toMatch(/^MTPROTO_STATS_CONCURRENCY/)
    expect(configError({ ...enabled, MTPROTO_ENABLED: 'maybe' })).toBe('MTPROTO_ENABLED must be true or false (or 1/0, yes/no, on/off)')
  })

  it('needs only the API credentials for the login', () => {
    expect(loadLoginConfig({ MTPROTO_API_ID: '5', MTPROTO_API_HASH: enabled.MTPROTO_API_HASH })).toEqual({ apiId: 5, apiHash: enabled.MTPROTO_API_HASH })
    expect(() => loadLoginConfig({})).toThrow(ConfigError)
  })
})

describe('parsePeerRef', () => {
  it.each([
    ['@Fruit_News', { kind: 'username', username: 'fruit_news' }],
    ['fruit_news', { kind: 'username', username: 'fruit_news' }],
    ['t.me/fruit_news', { kind: 'username', username: 'fruit_news' }],
    ['https://t.me/s/fruit_news', { kind: 'username', username: 'fruit_news' }],
    ['https://telegram.me/fruit_news/123', { kind: 'username', username: 'fruit_news' }],
    ['https://t.me/c/1234567890/55', { kind: 'id', channelId: 1234567890n }],
    ['-1001234567890', { kind: 'id', channelId: 1234567890n }],
    ['1234567890', { kind: 'id', channelId: 1234567890n }],
  ])('reads %s', (input, expected) => {
    expect(parsePeerRef(input)).toMatchObject(expected)
  })

  it.each(['', 'ab', 't.me/joinchat/AAAA', 'https://t.me/c/abc', '-12345', 'has space'])('refuses %j', (input) => {
    expect(parsePeerRef(input)).toHaveProperty('error')
  })

  it('converts between MTProto and Bot API channel ids', () => {
    expect(botApiChannelId(1234567890n)).toBe(-1001234567890)
    expect(mtprotoChannelId(-1001234567890)).toBe(1234567890n)
    expect(mtprotoChannelId(-4567)).toBeUndefined()
  })
})
