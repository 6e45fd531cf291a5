import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingDriverFixes } from '../../db/driver-check.ts'
import { PATCHES } from '../../db/driver-patches.mjs'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'

// db/patch-driver.mjs fixes postgres.js (npm's postinstall); these fail without the fix.
let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase('driver')
  await db.sql`CREATE TABLE copied (id int PRIMARY KEY)`
})
afterAll(async () => {
  await db?.drop()
})

describe('COPY FROM STDIN through postgres.js', () => {
  it('a COPY the server refuses after its data is sent fails with the server\'s error, and the transaction rolls back', async () => {
    // One connection: a leaked one (idle in an aborted transaction) would hang the next query.
    const sql = postgres(db.url, { max: 1, onnotice: () => {} })
    try {
      await sql`INSERT INTO copied VALUES (1)`
      const attempt = sql.begin(async (tx) => {
        await tx`INSERT INTO copied VALUES (2)`
        const stream = await tx`COPY copied (id) FROM STDIN`.writable()
        await new Promise<void>((resolve, reject) => {
          stream.once('error', reject)
          stream.once('finish', resolve)
          stream.end('3\n1\n')
        })
      })
      const outcome = await Promise.race([
        attempt.then(() => 'stored', (error: { code?: string; constraint_name?: string }) => `${error.code} ${error.constraint_name}`),
        new Promise((r) => setTimeout(() => r('still waiting after 10 s'), 10_000)),
      ])
      expect(outcome).toBe('23505 copied_pkey')
      expect(await sql`SELECT id FROM copied ORDER BY id`).toEqual([{ id: 1 }])
    } finally {
      await sql.end({ timeout: 1 })
    }
  })
})

describe('the installed driver', () => {
  it('has every fix of db/patch-driver.mjs (bot/main.ts refuses to start otherwise), and a copy without one is told apart', () => {
    expect(missingDriverFixes()).toEqual([])
    const installed = path.resolve(path.dirname(createRequire(import.meta.url).resolve('postgres')), '../../src/connection.js')
    const dir = mkdtempSync(path.join(tmpdir(), 'tg-driver-'))
    try {
      const copy = path.join(dir, 'connection.js')
      writeFileSync(copy, readFileSync(installed, 'utf8').replace(PATCHES[1]!.mark, ''))
      expect(missingDriverFixes(copy)).toEqual([PATCHES[1]!.mark])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the password beside DATABASE_URL', () => {
  it('a URL without one takes PGPASSWORD, as docker/compose.yml passes it: any characters, none percent-encoded', async () => {
    const password = 'p@ss/w:rd#?%20x'
    const before = process.env.PGPASSWORD
    process.env.PGPASSWORD = password
    try {
      const { connectDatabase } = await import('../../db/client.ts')
      const apart = connectDatabase('postgres://analytics@db:5432/analytics')
      const inline = connectDatabase('postgres://analytics:inline@db:5432/analytics')
      expect(apart.sql.options.pass).toBe(password)
      expect(inline.sql.options.pass).toBe('inline')
      await Promise.all([apart.close(), inline.close()])
    } finally {
      if (before === undefined) delete process.env.PGPASSWORD
      else process.env.PGPASSWORD = before
    }
  })
})
