import { Cron } from 'croner'
import type { Logger } from 'pino'

export interface ScheduleOptions {
  pattern: string
  timeZone: string
  log: Logger
  /** One load; `'stop'` ends the schedule (e.g. the session was revoked, so no later run can work). */
  run: () => Promise<'continue' | 'stop'>
  runOnStart: boolean
}

export interface Schedule {
  /** Resolves when the schedule ends: after `stop()`, or after a run asked to stop. */
  finished: Promise<'stopped' | 'run_asked_to_stop'>
  /** Stops scheduling and waits for a run in progress to finish. */
  stop(): Promise<void>
}

/** Runs `run` on a cron schedule; croner's `protect` skips a tick while the previous run is still going. */
export function scheduleRuns(options: ScheduleOptions): Schedule {
  const { log } = options
  let resolveFinished!: (reason: 'stopped' | 'run_asked_to_stop') => void
  const finished = new Promise<'stopped' | 'run_asked_to_stop'>((resolve) => (resolveFinished = resolve))
  let current: Promise<void> = Promise.resolve()

  const tick = async () => {
    const run = options.run().then(
      (decision) => {
        if (decision === 'stop') {
          job.stop()
          resolveFinished('run_asked_to_stop')
        } else log.info({ next_run: job.nextRun()?.toISOString() }, 'waiting for the next scheduled run')
      },
      (error: unknown) => log.error({ err: error }, 'scheduled run crashed; trying again at the next tick'),
    )
    current = run
    await run
  }

  const job = new Cron(options.pattern, {
    timezone: options.timeZone,
    protect: (self) => log.warn({ started_at: self.currentRun()?.toISOString() }, 'previous run still in progress; skipping this tick'),
  }, tick)

  log.info({ schedule: options.pattern, time_zone: options.timeZone, next_run: job.nextRun()?.toISOString() }, 'stats-loader scheduled')
  if (options.runOnStart) void job.trigger()

  return {
    finished,
    async stop() {
      job.stop()
      await current
      resolveFinished('stopped')
    },
  }
}
