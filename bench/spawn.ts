/**
 * Runs one benchmark job in a process of its own and returns its result. Each contender gets a fresh process
 * because onnxruntime's thread pools (native and web) keep spinning after a run and take a core from whatever
 * runs next in the same process; a process that exits leaves nothing behind.
 *
 * Protocol: the child prints exactly one line starting with RESULT_MARKER followed by JSON; anything else on
 * stdout or stderr is its own logging. A child that crashes, exits without a result or outlives its time limit is
 * reported as a failure with its last stderr lines, never thrown past the caller.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RESULT_MARKER = '@@atrous-bench-result ';

export type ChildOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Prints a child's result in the protocol's form (called by the child). */
export function reportResult(value: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(value)}\n`);
}

/**
 * Runs `command args` and waits for its result line, at most `timeoutMs` (then kills that process).
 */
export function runProcess<T>(command: string, args: readonly string[], timeoutMs: number): Promise<ChildOutcome<T>> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-4000); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\ntimed out after ${Math.round(timeoutMs / 1000)} s`;
    }, timeoutMs);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (line && !error) {
        try {
          resolve({ ok: true, value: JSON.parse(line.slice(RESULT_MARKER.length)) as T });
          return;
        } catch (parseError) {
          resolve({ ok: false, error: `unreadable result: ${String(parseError)}` });
          return;
        }
      }
      const tail = stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ');
      resolve({ ok: false, error: error ? String(error) : tail || 'exited without a result' });
    };
    child.on('error', (error) => finish(error));
    child.on('close', () => finish());
  });
}

const childScript = fileURLToPath(new URL('./child.js', import.meta.url));

/**
 * Runs a job of bench/child.ts in a new Node process. `nodeFlags` go before the script (`--expose-gc`,
 * `--experimental-wasm-relaxed-simd`).
 */
export function runNodeChild<T>(job: unknown, options: { timeoutMs: number; nodeFlags?: readonly string[] }): Promise<ChildOutcome<T>> {
  return runProcess<T>(process.execPath, [...(options.nodeFlags ?? []), childScript, JSON.stringify(job)], options.timeoutMs);
}
