/**
 * Runs Node code or the atrous CLI in a child process limited the way a user's would be: `ulimit -d` of 4 GiB (every
 * ArrayBuffer counts against the data limit, unlike `--max-old-space-size`, and WebAssembly still loads, unlike
 * `ulimit -v`) and a wall-clock timeout. The child's default memory budget then follows from the limit (1 GiB).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..', '..');
export const CLI = join(REPO, 'bin', 'atrous.js');
export const FOUR_GIB_KB = 4 * 2 ** 20;
/** /usr/bin/time prints the child's peak resident size after this mark. */
const PEAK_MARK = 'atrous-test-peak-kb';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Peak resident memory of the child in MiB (from /usr/bin/time). */
  peakMiB: number;
}

export interface ChildOptions {
  cwd?: string;
  timeoutMs?: number;
  /** `ulimit -d` in KiB (default 4 GiB). */
  dataLimitKb?: number;
  env?: NodeJS.ProcessEnv;
  /** Shell commands run before `exec node ...` (e.g. planting a symlink). */
  prelude?: string;
}

/** `node args...` under the limits; resolves when the child ends (or is killed at the timeout). */
export function runLimited(nodeArgs: string[], options: ChildOptions = {}): Promise<ChildResult> {
  const quoted = nodeArgs.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const script = `ulimit -d ${options.dataLimitKb ?? FOUR_GIB_KB}; ${options.prelude ?? ''}
exec /usr/bin/time -f '${PEAK_MARK} %M' node ${quoted}`;
  return new Promise((resolve) => {
    // Its own process group, so the timeout ends node too, not only the shell and /usr/bin/time above it.
    const child = spawn('sh', ['-c', script], { cwd: options.cwd ?? REPO, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => { if (stdout.length < 2 ** 20) stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { if (stderr.length < 2 ** 20) stderr += c; });
    const timer = setTimeout(() => { timedOut = true; process.kill(-child.pid!, 'SIGKILL'); }, options.timeoutMs ?? 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const peak = new RegExp(`${PEAK_MARK} (\\d+)\\s*$`).exec(stderr);
      // time reports a child killed by a signal as its own exit status 128 + signal; read the code from the mark.
      const signalled = /Command terminated by signal (\d+)/.exec(stderr);
      resolve({
        code: signalled ? 128 + Number(signalled[1]) : code, signal, timedOut,
        stdout, stderr: stderr.replace(/(Command (exited with non-zero status|terminated by signal) \d+\n)?atrous-test-peak-kb \d+\s*$/, ''),
        peakMiB: peak ? Number(peak[1]) / 1024 : NaN,
      });
    });
  });
}

/** `atrous args...` under the limits. */
export function runCli(args: string[], options: ChildOptions = {}): Promise<ChildResult> {
  return runLimited([CLI, ...args], options);
}

/** Runs `tasks` at most `parallel` at a time (the test machine has few cores), in order of results. */
export async function inBatches<T>(tasks: (() => Promise<T>)[], parallel = 2): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }));
  return results;
}

/** True when stderr holds a JavaScript stack trace (a raw exception rather than a one-line refusal). */
export function hasStack(stderr: string): boolean {
  return /\n\s+at /.test(stderr);
}

/** JSON for a child: non-finite numbers as `{ "$number": "NaN" }`, so CLI strings such as "NaN" stay strings. */
export function encodeCases(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v));
}

/** The inverse of {@link encodeCases}. */
export function decodeCases(text: string): unknown {
  return JSON.parse(text, (_, v: unknown) => (v !== null && typeof v === 'object' && '$number' in v ? Number((v as { $number: string }).$number) : v));
}
