import type { Logger } from 'pino'
import type { Sql } from '../db/client.ts'
import { FloodPostponedError, type StatsClient } from './client.ts'
import { loadPeer, type PeerOutcome } from './load-peer.ts'
import type { PeerRef } from './peer-ref.ts'
import { resolvePeers, type ResolvedPeer } from './resolve-peers.ts'

export interface RunSummary {
  outcomes: PeerOutcome[]
  /** True when every peer failed: the only run result (besides bad configuration) that exits non-zero. */
  allFailed: boolean
}

export interface LoadAllDeps {
  client: StatsClient
  sql: Sql
  log: Logger
  peers: readonly PeerRef[]
  concurrency: number
  now?: () => Date
}

/** One run over every configured peer, `concurrency` at a time; one peer's failure never stops another. */
export async function loadAllPeers(deps: LoadAllDeps): Promise<RunSummary> {
  const now = deps.now ?? (() => new Date())
  const resolved: ResolvedPeer[] = await resolvePeers(deps.client, deps.peers).catch((error: unknown) =>
    deps.peers.map((ref) => ({ ref, error: `resolving peers failed: ${(error as Error).message}`, postponed: error instanceof FloodPostponedError })),
  )
  const outcomes: PeerOutcome[] = new Array(resolved.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < resolved.length; i = next++) {
      const item = resolved[i]!
      if ('error' in item) {
        deps.log[item.postponed ? 'warn' : 'error']({ peer: item.ref.input, error: item.error }, 'peer could not be resolved')
        outcomes[i] = { peer: item.ref.input, status: item.postponed ? 'postponed' : 'failed', detail: item.error }
      } else {
        outcomes[i] = await loadPeer({ client: deps.client, sql: deps.sql, log: deps.log, now }, item.ref.input, item.channel)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(deps.concurrency, resolved.length) }, worker))
  const counts = Object.fromEntries(['loaded', 'partial', 'skipped', 'postponed', 'failed'].map((s) => [s, outcomes.filter((o) => o.status === s).length]))
  deps.log.info({ peers: outcomes.length, ...counts }, 'stats-loader run finished')
  return { outcomes, allFailed: outcomes.length > 0 && outcomes.every((o) => o.status === 'failed') }
}
