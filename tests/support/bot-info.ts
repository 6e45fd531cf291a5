import type { UserFromGetMe } from 'grammy/types'

/** A getMe answer for tests, so grammY never calls the network to learn who it is. */
export function testBotInfo(overrides: Partial<UserFromGetMe> & Pick<UserFromGetMe, 'id' | 'username'>): UserFromGetMe {
  return {
    is_bot: true,
    first_name: 'Group Analytics',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
    ...overrides,
  } as UserFromGetMe
}
