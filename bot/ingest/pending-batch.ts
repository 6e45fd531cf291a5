import { emptyRows, ROW_LISTS, type UpdateRows } from './rows.ts'

/**
 * The updates gathered for one commit. Their rows go straight into one set of lists, and all
 * of them wait on one promise: nothing is kept per update but the lengths of the lists after
 * it (`marks`), which is enough to split the batch when the database refuses one update.
 */
export class PendingBatch {
  readonly rows = emptyRows()
  private readonly marks: number[] = []
  count = 0
  private promise: Promise<void> | undefined
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined

  /** Closes the current update: its rows are the ones added since the previous mark. */
  mark(): Promise<void> {
    for (const key of ROW_LISTS) this.marks.push(this.rows[key].length)
    this.count++
    return (this.promise ??= new Promise((resolve, reject) => { this.settle = { resolve, reject } }))
  }

  /** Drops rows added since the last mark (an update that failed halfway through mapping). */
  rewind(): void {
    const base = this.marks.length - ROW_LISTS.length
    ROW_LISTS.forEach((key, i) => { this.rows[key].length = base < 0 ? 0 : this.marks[base + i]! })
  }

  /** Each update's rows on their own, in order. */
  *updates(): Generator<UpdateRows> {
    for (let u = 0; u < this.count; u++) {
      const rows = emptyRows()
      ROW_LISTS.forEach((key, i) => {
        const from = u === 0 ? 0 : this.marks[(u - 1) * ROW_LISTS.length + i]!
        const to = this.marks[u * ROW_LISTS.length + i]!
        ;(rows[key] as unknown[]) = this.rows[key].slice(from, to)
      })
      yield rows
    }
  }

  resolve(): void {
    this.settle?.resolve()
  }

  reject(error: unknown): void {
    this.settle?.reject(error)
  }
}
