/** See driver-patches.mjs. */
export declare const PATCHES: readonly { mark: string; original: string; patched: (mark: string) => string }[]
