import type { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'
import { MemoryStore, type ClaimAll, type KvStore } from './kv-store.ts'

// KEYS: the keys to claim, ARGV: their lifetimes in ms. Returns {0, 0} once all are set, else
// {i, ms left} for the first key that exists (a script runs whole: no other command in between).
const CLAIM_ALL = `
for i, key in ipairs(KEYS) do
  local left = redis.call('PTTL', key)
  if left ~= -2 then return {i, left} end
end
for i, key in ipairs(KEYS) do redis.call('SET', key, '', 'PX', ARGV[i]) end
return {0, 0}`

/** Redis while it is connected, the in-process store otherwise; a Redis fault never fails a command. */
export class FallbackStore implements KvStore {
  constructor(
    private readonly redis: Redis,
    private readonly memory: KvStore,
    private readonly log: Logger,
    private readonly prefix = 'tga:',
  ) {}

  get(key: string): Promise<Buffer | undefined> {
    return this.run('get', () => this.redis.getBuffer(this.prefix + key).then((v) => v ?? undefined), () => this.memory.get(key))
  }

  set(key: string, value: Buffer, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return Promise.resolve()
    return this.run('set', async () => void (await this.redis.set(this.prefix + key, value, 'PX', ttlMs)), () => this.memory.set(key, value, ttlMs))
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return this.run(
      'claim',
      async () => (await this.redis.set(this.prefix + key, '', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK',
      () => this.memory.claim(key, ttlMs),
    )
  }

  claimAll(entries: readonly { key: string; ttlMs: number }[]): Promise<ClaimAll> {
    return this.run('claimAll', async () => {
      const keys = entries.map((e) => this.prefix + e.key)
      const ttls = entries.map((e) => Math.max(1, Math.round(e.ttlMs)))
      const [index, remainingMs] = (await this.redis.eval(CLAIM_ALL, keys.length, ...keys, ...ttls)) as [number, number]
      return index === 0 ? { claimed: true } : { claimed: false, key: entries[index - 1]!.key, remainingMs: Math.max(0, remainingMs) }
    }, () => this.memory.claimAll(entries))
  }

  remainingMs(key: string): Promise<number> {
    return this.run('remainingMs', async () => Math.max(0, await this.redis.pttl(this.prefix + key)), () => this.memory.remainingMs(key))
  }

  delete(key: string): Promise<void> {
    return this.run('delete', async () => void (await this.redis.del(this.prefix + key)), () => this.memory.delete(key))
  }

  private async run<T>(op: string, viaRedis: () => Promise<T>, viaMemory: () => Promise<T>): Promise<T> {
    // With the offline queue off, commands fail at once while disconnected; skip even trying.
    if (this.redis.status !== 'ready') return viaMemory()
    try {
      return await viaRedis()
    } catch (error) {
      // Connection trouble is logged once by the client's own listeners (bot/redis.ts).
      this.log.debug({ err: error, op }, 'Redis command failed; using the in-process store')
      return viaMemory()
    }
  }
}

/** The store for answers and cooldowns: Redis-backed when a client is given. */
export function createKvStore(redis: Redis | undefined, log: Logger, prefix?: string): KvStore {
  const memory = new MemoryStore()
  return redis ? new FallbackStore(redis, memory, log, prefix) : memory
}
