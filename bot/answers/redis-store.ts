import type { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'
import { MemoryStore, type KvStore } from './kv-store.ts'

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
