import { Api } from 'telegram'
import type { Logger } from 'pino'
import type { Sql } from '../db/client.ts'
import { describeError, FloodPostponedError, type StatsClient } from './client.ts'
import { loadBroadcastStats } from './load-broadcast-stats.ts'
import { loadChannelAdmins } from './load-channel-admins.ts'
import { loadMegagroupStats } from './load-megagroup-stats.ts'
import { botApiChannelId } from './peer-ref.ts'
import { inputChannel } from './resolve-peers.ts'
import { markPeerRun, peerNotBefore, storeChannelAdmins, storeChannelInfo, type RunStatus } from './store-channel-state.ts'
import { storeStatsSnapshot } from './store-stats-snapshot.ts'

export interface PeerOutcome {
  peer: string
  channelId?: number
  status: RunStatus
  detail?: string
  graphErrors?: { key: string; error: string }[]
}

export interface LoadPeerDeps {
  client: StatsClient
  sql: Sql
  log: Logger
  now: () => Date
}

/** Loads one channel or supergroup end to end; every problem becomes its outcome, never a throw. */
export async function loadPeer(deps: LoadPeerDeps, peer: string, channel: Api.Channel): Promise<PeerOutcome> {
  const { client, sql, now } = deps
  const channelId = botApiChannelId(channel.id)
  const log = deps.log.child({ peer, channel_id: channelId })
  const input = inputChannel(channel)
  try {
    const notBefore = await peerNotBefore(sql, channelId, now())
    if (notBefore) {
      log.warn({ not_before: notBefore }, 'peer postponed by an earlier FLOOD_WAIT; skipping this run')
      return { peer, channelId, status: 'postponed', detail: `flood wait until ${notBefore.toISOString()}` }
    }

    const full = await client.invoke(new Api.channels.GetFullChannel({ channel: input }))
    const fullChat = full.fullChat
    if (!(fullChat instanceof Api.ChannelFull)) throw new Error('getFullChannel did not return a channel')
    const fresh = full.chats.find((c): c is Api.Channel => c instanceof Api.Channel && c.id.equals(channel.id)) ?? channel
    const kind = fresh.broadcast ? 'broadcast' : 'megagroup'
    const statsDc = fullChat.statsDc ?? null
    await storeChannelInfo(sql, {
      channelId,
      kind,
      title: fresh.title,
      username: fresh.username ?? fresh.usernames?.find((u) => u.active)?.username ?? null,
      canViewStats: fullChat.canViewStats === true,
      statsDc,
    })
    if (!fullChat.canViewStats) {
      log.warn('statistics are not viewable for this account (not an admin, or the chat is too small); skipping')
      await markPeerRun(sql, channelId, { status: 'skipped', error: 'can_view_stats is false' })
      return { peer, channelId, status: 'skipped', detail: 'can_view_stats is false' }
    }

    await loadAdmins(deps, log, channelId, input)

    const snapshot = kind === 'broadcast' ? await loadBroadcastStats(client, input, statsDc ?? undefined) : await loadMegagroupStats(client, input, statsDc ?? undefined)
    const fetchedAt = now()
    await storeStatsSnapshot(sql, { channelId, fetchedAt }, snapshot)
    const graphErrors = snapshot.graphs.flatMap((g) => (g.error ? [{ key: g.key, error: g.error }] : []))
    for (const { key, error } of graphErrors) log.warn({ graph: key, error }, 'graph not loaded or not parsed; stored as received')
    const status = graphErrors.length > 0 ? 'partial' : 'loaded'
    await markPeerRun(sql, channelId, { status, loadedAt: fetchedAt, error: graphErrors.length > 0 ? `${graphErrors.length} graph(s) with errors` : null })
    log.info({ kind, status, graphs: snapshot.graphs.length, graph_errors: graphErrors.length }, 'statistics loaded')
    return { peer, channelId, status, graphErrors }
  } catch (error) {
    if (error instanceof FloodPostponedError) {
      const notBefore = new Date(now().getTime() + error.seconds * 1000)
      log.warn({ seconds: error.seconds, request: error.request }, 'FLOOD_WAIT too long to sleep through; peer postponed to the next run')
      await markPeerRun(sql, channelId, { status: 'postponed', error: error.message, notBefore }).catch(() => {})
      return { peer, channelId, status: 'postponed', detail: error.message }
    }
    log.error({ err: error }, 'loading statistics failed')
    await markPeerRun(sql, channelId, { status: 'failed', error: describeError(error) }).catch(() => {})
    return { peer, channelId, status: 'failed', detail: describeError(error) }
  }
}

// The admin list only backs /channelstats' fallback check; failing to fetch it must not cost the stats.
async function loadAdmins(deps: LoadPeerDeps, log: Logger, channelId: number, input: Api.InputChannel) {
  try {
    const admins = await loadChannelAdmins(deps.client, input)
    await storeChannelAdmins(deps.sql, channelId, admins, deps.now())
  } catch (error) {
    if (error instanceof FloodPostponedError) throw error
    log.warn({ err: error }, 'could not fetch the admin list; keeping the previous one')
  }
}
