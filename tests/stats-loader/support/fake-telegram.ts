import { Api, errors } from 'telegram'
import { returnBigInt } from 'telegram/Helpers.js'
import type { MtprotoInvoker } from '../../../stats-loader/client.ts'

// A stand-in for Telegram behind the loader's MtprotoInvoker seam. It answers with real gramjs
// `Api.*` objects and fails with the error objects gramjs raises (errors.FloodWaitError,
// errors.RPCError with Telegram's message and code), so the loader's real logic runs unchanged.

export interface FakePeer {
  channel: Api.Channel
  canViewStats: boolean
  statsDc?: number
  admins: { userId: number; creator?: boolean }[]
  /** The stats answer, by the DC the request was sent to. */
  stats: (dcId: number | undefined) => Api.stats.BroadcastStats | Api.stats.MegagroupStats
}

export interface Call {
  method: string
  dcId: number | undefined
  request: Api.AnyRequest
}

/** Runs before the default answer; return a value to answer with it, throw to fail, undefined to fall through. */
export type Interceptor = (request: Api.AnyRequest, dcId: number | undefined, calls: readonly Call[]) => unknown

export class FakeTelegram implements MtprotoInvoker {
  readonly calls: Call[] = []
  /** stats.loadAsyncGraph tokens: the graph they load and the DC that issued them. */
  readonly asyncGraphs = new Map<string, { dcId: number | undefined; graph: Api.TypeStatsGraph }>()
  private readonly interceptors: Interceptor[] = []

  constructor(readonly peers: FakePeer[]) {}

  intercept(interceptor: Interceptor): this {
    this.interceptors.push(interceptor)
    return this
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method)
  }

  async invoke<R extends Api.AnyRequest>(request: R, dcId?: number): Promise<R['__response']> {
    this.calls.push({ method: request.className, dcId, request })
    await Promise.resolve()
    for (const interceptor of this.interceptors) {
      const answer = interceptor(request, dcId, this.calls)
      if (answer !== undefined) return (await answer) as R['__response']
    }
    return this.answer(request, dcId) as R['__response']
  }

  private answer(request: Api.AnyRequest, dcId: number | undefined): unknown {
    if (request instanceof Api.contacts.ResolveUsername) {
      const peer = this.peers.find((p) => p.channel.username?.toLowerCase() === request.username.toLowerCase())
      if (!peer) throw new errors.RPCError('USERNAME_NOT_OCCUPIED', request, 400)
      return new Api.contacts.ResolvedPeer({ peer: new Api.PeerChannel({ channelId: peer.channel.id }), chats: [peer.channel], users: [] })
    }
    if (request instanceof Api.messages.GetDialogs) {
      return new Api.messages.Dialogs({ dialogs: [], messages: [], chats: this.peers.map((p) => p.channel), users: [] })
    }
    if (request instanceof Api.channels.GetFullChannel) {
      const peer = this.peerOf(request.channel, request)
      return new Api.messages.ChatFull({ fullChat: channelFull(peer), chats: [peer.channel], users: [] })
    }
    if (request instanceof Api.channels.GetParticipants) {
      const peer = this.peerOf(request.channel, request)
      const participants = peer.admins.map((a) =>
        a.creator
          ? new Api.ChannelParticipantCreator({ userId: returnBigInt(a.userId), adminRights: adminRights() })
          : new Api.ChannelParticipantAdmin({ userId: returnBigInt(a.userId), promotedBy: returnBigInt(1), date: 0, adminRights: adminRights() }),
      )
      return new Api.channels.ChannelParticipants({ count: participants.length, participants, chats: [], users: [] })
    }
    if (request instanceof Api.stats.GetBroadcastStats || request instanceof Api.stats.GetMegagroupStats) {
      const peer = this.peerOf(request.channel, request)
      if (!peer.canViewStats) throw new errors.RPCError('CHAT_ADMIN_REQUIRED', request, 400)
      return peer.stats(dcId)
    }
    if (request instanceof Api.stats.LoadAsyncGraph) {
      const entry = this.asyncGraphs.get(request.token)
      // Tokens are bound to the DC that issued them.
      if (!entry || entry.dcId !== dcId) throw new errors.RPCError('GRAPH_INVALID_RELOAD', request, 400)
      return entry.graph
    }
    throw new Error(`FakeTelegram has no answer for ${request.className}`)
  }

  private peerOf(input: Api.TypeEntityLike, request: Api.AnyRequest): FakePeer {
    const id = input instanceof Api.InputChannel ? input.channelId.toString() : undefined
    const peer = this.peers.find((p) => p.channel.id.toString() === id)
    if (!peer) throw new errors.RPCError('CHANNEL_INVALID', request, 400)
    return peer
  }
}

export function fakeChannel(options: { id: number; title: string; username?: string; megagroup?: boolean }): Api.Channel {
  return new Api.Channel({
    id: returnBigInt(options.id),
    accessHash: returnBigInt(options.id * 7 + 3),
    title: options.title,
    username: options.username,
    photo: new Api.ChatPhotoEmpty(),
    date: 1_600_000_000,
    broadcast: !options.megagroup,
    megagroup: options.megagroup === true,
  })
}

function channelFull(peer: FakePeer): Api.ChannelFull {
  return new Api.ChannelFull({
    id: peer.channel.id,
    about: '',
    readInboxMaxId: 0,
    readOutboxMaxId: 0,
    unreadCount: 0,
    chatPhoto: new Api.PhotoEmpty({ id: returnBigInt(0) }),
    notifySettings: new Api.PeerNotifySettings({}),
    botInfo: [],
    pts: 1,
    canViewStats: peer.canViewStats,
    statsDc: peer.statsDc,
  })
}

function adminRights(): Api.ChatAdminRights {
  return new Api.ChatAdminRights({ changeInfo: true, postMessages: true })
}

export const graphOf = (json: string): Api.StatsGraph => new Api.StatsGraph({ json: new Api.DataJSON({ data: json }) })
export const graphError = (error: string): Api.StatsGraphError => new Api.StatsGraphError({ error })
export const asyncGraph = (token: string): Api.StatsGraphAsync => new Api.StatsGraphAsync({ token })
export const absValue = (current: number, previous: number) => new Api.StatsAbsValueAndPrev({ current, previous })
const EMPTY_GRAPH = '{"columns":[["x"]],"types":{},"names":{}}'

const unix = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000

type BroadcastGraphs = Partial<Record<
  | 'growthGraph' | 'followersGraph' | 'muteGraph' | 'topHoursGraph' | 'interactionsGraph' | 'ivInteractionsGraph'
  | 'viewsBySourceGraph' | 'newFollowersBySourceGraph' | 'languagesGraph' | 'reactionsByEmotionGraph'
  | 'storyInteractionsGraph' | 'storyReactionsByEmotionGraph',
  Api.TypeStatsGraph
>>

export function broadcastStats(
  graphs: BroadcastGraphs,
  figures: { followers?: [number, number]; viewsPerPost?: [number, number]; posts?: Api.TypePostInteractionCounters[] } = {},
  period: [string, string] = ['2024-04-10', '2024-05-09'],
): Api.stats.BroadcastStats {
  const g = (key: keyof BroadcastGraphs) => graphs[key] ?? graphOf(EMPTY_GRAPH)
  return new Api.stats.BroadcastStats({
    period: new Api.StatsDateRangeDays({ minDate: unix(period[0]), maxDate: unix(period[1]) }),
    followers: absValue(...(figures.followers ?? [1000, 900])),
    viewsPerPost: absValue(...(figures.viewsPerPost ?? [250.5, 240.25])),
    sharesPerPost: absValue(3.5, 2),
    reactionsPerPost: absValue(12, 10.75),
    viewsPerStory: absValue(0, 0),
    sharesPerStory: absValue(0, 0),
    reactionsPerStory: absValue(0, 0),
    enabledNotifications: new Api.StatsPercentValue({ part: 420, total: 1000 }),
    growthGraph: g('growthGraph'),
    followersGraph: g('followersGraph'),
    muteGraph: g('muteGraph'),
    topHoursGraph: g('topHoursGraph'),
    interactionsGraph: g('interactionsGraph'),
    ivInteractionsGraph: g('ivInteractionsGraph'),
    viewsBySourceGraph: g('viewsBySourceGraph'),
    newFollowersBySourceGraph: g('newFollowersBySourceGraph'),
    languagesGraph: g('languagesGraph'),
    reactionsByEmotionGraph: g('reactionsByEmotionGraph'),
    storyInteractionsGraph: g('storyInteractionsGraph'),
    storyReactionsByEmotionGraph: g('storyReactionsByEmotionGraph'),
    recentPostsInteractions: figures.posts ?? [],
  })
}

type MegagroupGraphs = Partial<Record<
  'growthGraph' | 'membersGraph' | 'newMembersBySourceGraph' | 'languagesGraph' | 'messagesGraph' | 'actionsGraph' | 'topHoursGraph' | 'weekdaysGraph',
  Api.TypeStatsGraph
>>

export function megagroupStats(
  graphs: MegagroupGraphs,
  top: { posters?: Api.StatsGroupTopPoster[]; admins?: Api.StatsGroupTopAdmin[]; inviters?: Api.StatsGroupTopInviter[]; users?: Api.User[] } = {},
  period: [string, string] = ['2024-04-10', '2024-05-09'],
): Api.stats.MegagroupStats {
  const g = (key: keyof MegagroupGraphs) => graphs[key] ?? graphOf(EMPTY_GRAPH)
  return new Api.stats.MegagroupStats({
    period: new Api.StatsDateRangeDays({ minDate: unix(period[0]), maxDate: unix(period[1]) }),
    members: absValue(5400, 5100),
    messages: absValue(12000, 13000),
    viewers: absValue(2100, 2000),
    posters: absValue(310, 290),
    growthGraph: g('growthGraph'),
    membersGraph: g('membersGraph'),
    newMembersBySourceGraph: g('newMembersBySourceGraph'),
    languagesGraph: g('languagesGraph'),
    messagesGraph: g('messagesGraph'),
    actionsGraph: g('actionsGraph'),
    topHoursGraph: g('topHoursGraph'),
    weekdaysGraph: g('weekdaysGraph'),
    topPosters: top.posters ?? [],
    topAdmins: top.admins ?? [],
    topInviters: top.inviters ?? [],
    users: top.users ?? [],
  })
}

export function fakeUser(id: number, firstName: string, username?: string): Api.User {
  return new Api.User({ id: returnBigInt(id), firstName, username, accessHash: returnBigInt(id) })
}
