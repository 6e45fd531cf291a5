// One light card for both Telegram themes: Telegram shows the photo as it is, and dark text on
// white stays readable on a dark chat background as well.
export const COLORS = {
  background: '#ffffff',
  title: '#1b1f24',
  text: '#3d444d',
  muted: '#6e7781',
  grid: '#eceef1',
  axis: '#c4c9cf',
  bar: '#225ea8',
  barPartial: '#9db8db',
  compare: '#8c959f',
  up: '#1a7f37',
  down: '#cf222e',
} as const

export const CANVAS = { width: 800, height: 450, padding: 28 } as const

/** Card size and the plot's left and right edges (room for axis labels on the left), shared by the line and bar charts. */
export const PLOT_FRAME = {
  width: CANVAS.width,
  height: CANVAS.height,
  plotLeft: CANVAS.padding + 56,
  plotRight: CANVAS.width - CANVAS.padding,
} as const
