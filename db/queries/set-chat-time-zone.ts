import type { Sql } from 'postgres'
import { familyCte } from './range-memo.ts'
import { insertSenderDays, rebuildLocalActivity } from './rebuild-rollups.ts'

export interface ZoneChange {
  /** Until the new zone is in force: the answers switch over at once when this resolves. */
  rebuiltMs: number
  /** Deleting the rows of the old zone, which nothing reads any more; runs on in the background. */
  cleanedUp: Promise<void>
}

/**
 * Sets the zone of the chat (and the groups it was upgraded from). Everything keyed by local time
 * is rebuilt without holding up ingest for more than two short steps, however big the chat:
 *
 * 1. Under a lock on the chat rows (so no ingest batch of these chats is in flight), the chats get
 *    `next_time_zone` and a fresh `next_zone_epoch` N, and a second connection takes its snapshot.
 *    Every batch that commits after this also adds its sender_day amounts, in the new zone, to epoch -N.
 * 2. Without locks, the second connection computes the new zone's sender_day rows at epoch N from
 *    the raw rows of its snapshot: exactly the batches that are not in epoch -N.
 * 3. Under the lock again, epoch -N is added into N, N becomes the chat's epoch and the hour and
 *    day rollups are rebuilt from the 15-minute buckets (small). The answers switch over here.
 *
 * A crash anywhere before step 3 leaves `next_time_zone` set, and {@link resumeZoneChanges} starts
 * over from step 1; rows of abandoned epochs are deleted later, as the old epoch is. Of two changes
 * of one chat at once, the one that started last applies; the other throws {@link ZoneChangeSuperseded}.
 */
export async function setChatTimeZone(
  sql: Sql, chatId: number, timeZone: string, options: ZoneChangeOptions = {},
): Promise<ZoneChange> {
  const started = performance.now()
  await sql`INSERT INTO chats (chat_id, type) VALUES (${chatId}, 'supergroup') ON CONFLICT DO NOTHING`
  const ids = await familyIds(sql, chatId)
  try {
    const epoch = await buildNextEpoch(sql, ids, timeZone, options.resuming)
    await options.beforeSwitchOver?.()
    await retryOnConflict(() => switchOver(sql, ids, timeZone, epoch))
  } catch (error) {
    // The epoch built for nothing goes with the other stale ones.
    if (error instanceof ZoneChangeSuperseded) await deleteStaleEpochs(sql, ids).catch(() => {})
    throw error
  }
  return { rebuiltMs: Math.round(performance.now() - started), cleanedUp: deleteStaleEpochs(sql, ids) }
}

export interface ZoneChangeOptions {
  /** Runs between the rebuild and the switch-over (tests hold it there). */
  beforeSwitchOver?: () => Promise<void>
  /** The next_zone_epoch of the interrupted change being resumed: nothing is done if another change came since. */
  resuming?: number
}

/** Deadlocks and serialization failures are retried a few times before they reach the admin. */
async function retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      const code = (error as { code?: string }).code
      if (attempt >= 4 || (code !== '40P01' && code !== '40001')) throw error
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
    }
  }
}

/** A later zone change of the same chat started before this one could switch over; the later one applies. */
export class ZoneChangeSuperseded extends Error {
  constructor(readonly timeZone: string) {
    super(`zone change to ${timeZone} superseded by a later one`)
  }
}

async function familyIds(sql: Sql, chatId: number): Promise<string[]> {
  const rows = await sql<{ chat_id: string }[]>`${familyCte(sql, chatId)} SELECT chat_id::text FROM family ORDER BY chat_id`
  return rows.map((r) => r.chat_id)
}

/** Steps 1 and 2: returns the epoch that holds the new zone's sender_day rows. */
async function buildNextEpoch(sql: Sql, ids: string[], timeZone: string, resuming?: number): Promise<number> {
  const builder = await sql.reserve()
  try {
    const epoch = await retryOnConflict(() => sql.begin(async (tx) => {
      const family = await tx<{ zone_epoch: number; next_zone_epoch: number | null }[]>`
        SELECT zone_epoch, next_zone_epoch FROM chats WHERE chat_id = ANY(${ids}::int8[]) ORDER BY chat_id FOR UPDATE`
      if (resuming !== undefined && family.some((c) => c.next_zone_epoch !== resuming)) throw new ZoneChangeSuperseded(timeZone)
      const next = 1 + Math.max(...family.map((c) => Math.max(c.zone_epoch, c.next_zone_epoch ?? 0)))
      // An earlier attempt that never switched over leaves its epochs behind: stale from now on.
      await tx`
        UPDATE chats SET next_time_zone = ${timeZone}, next_zone_epoch = ${next},
          stale_zone_epochs = stale_zone_epochs OR next_zone_epoch IS NOT NULL
        WHERE chat_id = ANY(${ids}::int8[])`
      // The snapshot is taken while no batch of these chats is in flight; it commits after this.
      await builder`BEGIN ISOLATION LEVEL REPEATABLE READ`
      await builder`SELECT pg_current_snapshot()`
      return next
    }).catch(async (error: unknown) => {
      await builder`ROLLBACK`.catch(() => {})
      throw error
    }))
    // A one-off scan of the chat's raw rows: enough memory keeps its aggregation off the disk.
    await builder`SET LOCAL work_mem = '256MB'`
    await insertSenderDays(builder, ids, { zone: timeZone, epoch })
    await builder`COMMIT`
    return epoch
  } catch (error) {
    await builder`ROLLBACK`.catch(() => {})
    throw error
  } finally {
    builder.release()
  }
}

/** Step 3. */
async function switchOver(sql: Sql, ids: string[], timeZone: string, epoch: number): Promise<void> {
  await sql.begin(async (tx) => {
    const current = await tx<{ next_zone_epoch: number | null }[]>`
      SELECT next_zone_epoch FROM chats WHERE chat_id = ANY(${ids}::int8[]) ORDER BY chat_id FOR UPDATE`
    if (current.some((c) => c.next_zone_epoch !== epoch)) throw new ZoneChangeSuperseded(timeZone)
    await tx`
      INSERT INTO sender_day AS r (chat_id, zone_epoch, day, sender_id, messages, reactions_received)
      SELECT chat_id, ${epoch}::int, day, sender_id, messages, reactions_received FROM sender_day
      WHERE chat_id = ANY(${ids}::int8[]) AND zone_epoch = ${-epoch}::int
      ON CONFLICT (chat_id, zone_epoch, day, sender_id) DO UPDATE SET messages = r.messages + excluded.messages,
        reactions_received = r.reactions_received + excluded.reactions_received`
    await tx`DELETE FROM sender_day WHERE chat_id = ANY(${ids}::int8[]) AND zone_epoch = ${-epoch}::int`
    await tx`
      UPDATE chats SET time_zone = ${timeZone}, zone_epoch = ${epoch}, next_time_zone = NULL, next_zone_epoch = NULL,
        stale_zone_epochs = true, updated_at = now()
      WHERE chat_id = ANY(${ids}::int8[])`
    await rebuildLocalActivity(tx, ids)
  })
}

/** Deletes the sender_day rows no reader or zone change uses: any epoch but the current one and the one being built. */
async function deleteStaleEpochs(sql: Sql, ids: string[]): Promise<void> {
  await sql`
    DELETE FROM sender_day s USING chats c
    WHERE c.chat_id = ANY(${ids}::int8[]) AND s.chat_id = c.chat_id
      AND s.zone_epoch NOT IN (c.zone_epoch, coalesce(c.next_zone_epoch, c.zone_epoch), -coalesce(c.next_zone_epoch, c.zone_epoch))`
  await sql`UPDATE chats SET stale_zone_epochs = false WHERE chat_id = ANY(${ids}::int8[]) AND next_zone_epoch IS NULL`
}

/**
 * At start-up: finishes zone changes a crash interrupted (they start over) and deletes the rows
 * of old epochs. Returns the chats whose zone change was resumed.
 */
export async function resumeZoneChanges(sql: Sql): Promise<{ resumed: number[]; cleaned: number[] }> {
  const pending = await sql<{ chat_id: string; next_time_zone: string; next_zone_epoch: number }[]>`
    SELECT chat_id, next_time_zone, next_zone_epoch FROM chats
    WHERE next_time_zone IS NOT NULL AND migrated_to_chat_id IS NULL ORDER BY chat_id`
  const resumed: number[] = []
  for (const row of pending) {
    try {
      const change = await setChatTimeZone(sql, Number(row.chat_id), row.next_time_zone, { resuming: row.next_zone_epoch })
      await change.cleanedUp
      resumed.push(Number(row.chat_id))
    } catch (error) {
      // A /timezone given since took over (or already finished): it applies, not the interrupted one.
      if (!(error instanceof ZoneChangeSuperseded)) throw error
    }
  }
  const stale = await sql<{ chat_id: string }[]>`
    SELECT chat_id FROM chats WHERE stale_zone_epochs AND next_time_zone IS NULL AND migrated_to_chat_id IS NULL ORDER BY chat_id`
  const cleaned: number[] = []
  for (const row of stale) {
    const ids = await familyIds(sql, Number(row.chat_id))
    await deleteStaleEpochs(sql, ids)
    cleaned.push(Number(row.chat_id))
  }
  return { resumed, cleaned }
}
