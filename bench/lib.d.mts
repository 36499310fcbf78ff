// Types of bench/lib.mjs for test/bench/ (the bench itself is plain JavaScript run by node).
export interface IdsSpec {
  ids?: readonly string[]
  prefix: string
  suffix: string
}
export interface LoadScenario {
  method?: string
  headers?: Record<string, string>
  path?: string
  body?: string
  pathIds?: IdsSpec
  bodyIds?: IdsSpec
}
export interface LoadRun {
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
  total: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  durationS: number
  used: number
  exhausted: boolean
}
export interface Target {
  target: string
  value: string
  met: boolean | null
}
export const WRK_MARKER: string
export const SCENARIO: Map<string, string>
export function median(xs: readonly number[]): number
export function round1(x: number): number
export function round2(x: number): number
export function luaString(text: string): string
export function wrkLua(scenario: LoadScenario, idsFile?: string): string
export function parseWrk(stdout: string): LoadRun
export function parseArgs(argv: readonly string[]): { quick: boolean; profile: boolean; forceAutocannon: boolean; peers: boolean; scale: boolean }
export function summarise(name: string, runs: readonly LoadRun[], floorMedianRps: number | null, extra?: Record<string, unknown>): Record<string, unknown> & { scenario: string; rps: number; ratio_to_floor: number | null; p99_ms: number; max_p99_ms: number; non_2xx: number; errors: number }
export function within20(small: number, big: number): boolean
export function issue15Targets(results: unknown): Target[]
export function markdown(results: unknown): string
export function metCell(met: boolean | null | undefined): string
