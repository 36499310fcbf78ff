// Types of bench/setup.mjs for test/bench/ (the bench itself is plain JavaScript run by node).
export function freePort(): Promise<number>
export function cloneResolutions(dbPath: string, resolutionId: string, count: number): string[]
export function processState(pid: number): string | null
export function processTree(pid: number): Set<number>
export function withOthersStopped<T>(
  servers: Iterable<{ pid?: number; benchUrl?: string; exitCode: number | null; signalCode?: NodeJS.Signals | null }>,
  url: string | null,
  measure: () => Promise<T>,
): Promise<T>
