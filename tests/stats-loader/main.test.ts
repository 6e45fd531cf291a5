import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Runs the real entry point as `npm run stats-loader` would, with only the given environment. */
function runLoader(env: Record<string, string>): Promise<{ code: number | null; lines: { level: number; msg: string }[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'stats-loader/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string })
      resolve({ code, lines })
    })
  })
}

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase('stats_loader_main')
})
afterAll(async () => {
  await db?.drop()
})

describe('stats-loader entry point', () => {
  it('is a clean no-op while disabled: one log line, exit code 0', async () => {
    const { code, lines } = await runLoader({ MTPROTO_ENABLED: 'false' })
    expect(code).toBe(0)
    expect(lines).toHaveLength(1)
    expect(lines[0]?.msg).toMatch(/disabled \(MTPROTO_ENABLED and MTPROTO_STATS_ENABLED are not true\)/)
  })

  it('exits 2 with every configuration problem named', async () => {
    const { code, lines } = await runLoader({ MTPROTO_ENABLED: 'true', MTPROTO_STATS_ENABLED: 'true', MTPROTO_API_ID: '1' })
    expect(code).toBe(2)
    expect(lines[0]?.msg).toContain('MTPROTO_SESSION is required')
    expect(lines[0]?.msg).toContain('MTPROTO_STATS_PEERS is required')
  })

  it('exits 1 with a clear message when the session is unusable, without prompting', async () => {
    const { code, lines } = await runLoader({
      MTPROTO_ENABLED: 'true',
      MTPROTO_STATS_ENABLED: 'true',
      MTPROTO_API_ID: '1',
      MTPROTO_API_HASH: '0123456789abcdef0123456789abcdef',
      MTPROTO_SESSION: 'not-a-session',
      MTPROTO_STATS_PEERS: '@fruit_news',
      DATABASE_URL: db.url,
    })
    expect(code).toBe(1)
    expect(lines.at(-1)?.msg).toMatch(/MTPROTO_SESSION is not a valid session string.*stats-loader:login/)
  })
})
