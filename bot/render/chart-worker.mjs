// Entry of the chart thread (chart-renderer.ts): the bot runs TypeScript through tsx, and a worker
// thread does not inherit that loader everywhere (test runners start threads without it).
import { register } from 'tsx/esm/api'

register()
await import('./chart-thread.ts')
