import { Api } from 'telegram'
import type { StatsClient } from './client.ts'
import { loadGraphs } from './load-graphs.ts'
import { figure, periodOf, type StatsSnapshot, type TopMember } from './stats-snapshot.ts'

const GRAPHS = [
  ['growth_graph', 'growthGraph'],
  ['members_graph', 'membersGraph'],
  ['new_members_by_source_graph', 'newMembersBySourceGraph'],
  ['languages_graph', 'languagesGraph'],
  ['messages_graph', 'messagesGraph'],
  ['actions_graph', 'actionsGraph'],
  ['top_hours_graph', 'topHoursGraph'],
  ['weekdays_graph', 'weekdaysGraph'],
] as const satisfies readonly (readonly [string, keyof Api.stats.MegagroupStats])[]

/** stats.getMegagroupStats for a supergroup, sent to its stats DC, with every async graph loaded. */
export async function loadMegagroupStats(client: StatsClient, channel: Api.InputChannel, statsDc: number | undefined): Promise<StatsSnapshot> {
  const { result: stats, dcId } = await client.invokeOnDc(new Api.stats.GetMegagroupStats({ channel, dark: false }), statsDc)
  const graphs = await loadGraphs(
    client,
    GRAPHS.map(([key, field]) => [key, stats[field]] as const),
    dcId,
  )
  const users = new Map(stats.users.flatMap((u) => (u instanceof Api.User ? [[u.id.toString(), u] as const] : [])))
  const member = (role: TopMember['role'], userId: { toString(): string }, rank: number): TopMember => {
    const user = users.get(userId.toString())
    return {
      role,
      userId: Number(userId.toString()),
      rank,
      messages: null,
      avgChars: null,
      deleted: null,
      kicked: null,
      banned: null,
      invitations: null,
      firstName: user?.firstName ?? null,
      username: user?.username ?? null,
    }
  }
  return {
    period: periodOf(stats.period),
    overview: [
      figure('members', stats.members),
      figure('messages', stats.messages),
      figure('viewers', stats.viewers),
      figure('posters', stats.posters),
    ],
    graphs,
    posts: [],
    topMembers: [
      ...stats.topPosters.map((p, i) => ({ ...member('poster', p.userId, i + 1), messages: p.messages, avgChars: p.avgChars })),
      ...stats.topAdmins.map((a, i) => ({ ...member('admin', a.userId, i + 1), deleted: a.deleted, kicked: a.kicked, banned: a.banned })),
      ...stats.topInviters.map((v, i) => ({ ...member('inviter', v.userId, i + 1), invitations: v.invitations })),
    ],
  }
}
