import { Api } from 'telegram'
import type { StatsClient } from './client.ts'
import { loadGraphs } from './load-graphs.ts'
import { figure, periodOf, type StatsSnapshot } from './stats-snapshot.ts'

// Stored under the TL field names, so a key reads the same as in Telegram's documentation.
const GRAPHS = [
  ['growth_graph', 'growthGraph'],
  ['followers_graph', 'followersGraph'],
  ['mute_graph', 'muteGraph'],
  ['top_hours_graph', 'topHoursGraph'],
  ['interactions_graph', 'interactionsGraph'],
  ['iv_interactions_graph', 'ivInteractionsGraph'],
  ['views_by_source_graph', 'viewsBySourceGraph'],
  ['new_followers_by_source_graph', 'newFollowersBySourceGraph'],
  ['languages_graph', 'languagesGraph'],
  ['reactions_by_emotion_graph', 'reactionsByEmotionGraph'],
  ['story_interactions_graph', 'storyInteractionsGraph'],
  ['story_reactions_by_emotion_graph', 'storyReactionsByEmotionGraph'],
] as const satisfies readonly (readonly [string, keyof Api.stats.BroadcastStats])[]

/** stats.getBroadcastStats for a channel, sent to its stats DC, with every async graph loaded. */
export async function loadBroadcastStats(client: StatsClient, channel: Api.InputChannel, statsDc: number | undefined): Promise<StatsSnapshot> {
  const { result: stats, dcId } = await client.invokeOnDc(new Api.stats.GetBroadcastStats({ channel, dark: false }), statsDc)
  const graphs = await loadGraphs(
    client,
    GRAPHS.map(([key, field]) => [key, stats[field]] as const),
    dcId,
  )
  const notifications = stats.enabledNotifications
  return {
    period: periodOf(stats.period),
    overview: [
      figure('followers', stats.followers),
      figure('views_per_post', stats.viewsPerPost),
      figure('shares_per_post', stats.sharesPerPost),
      figure('reactions_per_post', stats.reactionsPerPost),
      figure('views_per_story', stats.viewsPerStory),
      figure('shares_per_story', stats.sharesPerStory),
      figure('reactions_per_story', stats.reactionsPerStory),
      { metric: 'enabled_notifications', current: notifications.part, previous: notifications.total },
    ],
    graphs,
    posts: stats.recentPostsInteractions.map((p) =>
      p instanceof Api.PostInteractionCountersStory
        ? { kind: 'story' as const, itemId: p.storyId, views: p.views, forwards: p.forwards, reactions: p.reactions }
        : { kind: 'message' as const, itemId: p.msgId, views: p.views, forwards: p.forwards, reactions: p.reactions },
    ),
    topMembers: [],
  }
}
