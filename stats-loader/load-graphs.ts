import { Api } from 'telegram'
import { describeError, type MtprotoInvoker } from './client.ts'
import { parseStatsGraph, type ParsedGraph } from './graphs.ts'

/** One graph field of a stats answer after loading: its JSON as received, or why there is none. */
export interface GraphOutcome {
  key: string
  wasAsync: boolean
  /** DataJSON.data exactly as received; null for graph errors and failed async loads. */
  json: string | null
  /** Telegram's StatsGraphError text, a failed load, or why the JSON could not be parsed. */
  error: string | null
  parsed: ParsedGraph | null
}

// An async graph's token may itself answer with another token while the server is still busy.
const MAX_ASYNC_ROUNDS = 2

/**
 * Resolves every graph field: inline graphs are parsed, StatsGraphAsync tokens are loaded with
 * stats.loadAsyncGraph on the DC that issued them (tokens are short-lived, so straight away, in
 * this run), StatsGraphError is recorded. A failure of one graph never affects another.
 */
export async function loadGraphs(
  client: MtprotoInvoker,
  fields: readonly (readonly [key: string, graph: Api.TypeStatsGraph | undefined])[],
  dcId: number | undefined,
): Promise<GraphOutcome[]> {
  return Promise.all(fields.flatMap(([key, graph]) => (graph ? [loadGraph(client, key, graph, dcId)] : [])))
}

async function loadGraph(client: MtprotoInvoker, key: string, graph: Api.TypeStatsGraph, dcId: number | undefined): Promise<GraphOutcome> {
  let current = graph
  let wasAsync = false
  for (let round = 0; current instanceof Api.StatsGraphAsync; round++) {
    if (round >= MAX_ASYNC_ROUNDS) return failed(key, true, 'async graph was still not ready after loading its token')
    wasAsync = true
    try {
      current = await client.invoke(new Api.stats.LoadAsyncGraph({ token: current.token }), dcId)
    } catch (error) {
      return failed(key, true, `loadAsyncGraph failed: ${describeError(error)}`)
    }
  }
  if (current instanceof Api.StatsGraphError) return failed(key, wasAsync, current.error)
  const json = current.json.data
  const parsed = parseStatsGraph(json, key)
  return parsed.ok
    ? { key, wasAsync, json, error: null, parsed: parsed.graph }
    : { key, wasAsync, json, error: parsed.error, parsed: null }
}

function failed(key: string, wasAsync: boolean, error: string): GraphOutcome {
  return { key, wasAsync, json: null, error, parsed: null }
}
