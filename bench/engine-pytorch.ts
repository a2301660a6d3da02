/**
 * The PyTorch side of the engine benchmarks: bench/engine_reference.py started once under Debian's python3,
 * answering one JSON line per request line (so its timings can alternate with lensfind's).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface PytorchServer {
  ask(line: string): Promise<Record<string, unknown>>;
  /** Seconds per call of `task` run `calls` times. */
  seconds(task: string, calls: number): Promise<number>;
  /** Wall and process-CPU seconds per call of `task` run `calls` times. */
  timing(task: string, calls: number): Promise<{ wall: number; cpu: number }>;
  close(): void;
}

export function startPytorch(python: string, threads: number): PytorchServer {
  const py = spawn(python, [path.join(here, 'engine_reference.py'), '--threads', String(threads)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answers = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const ask = async (line: string) => {
    py.stdin.write(line + '\n');
    const next = await answers.next();
    if (next.done) throw new Error(`bench/engine_reference.py (${python}) exited while answering "${line}"`);
    return JSON.parse(next.value) as Record<string, unknown>;
  };
  return {
    ask,
    seconds: async (task, calls) => (await ask(`${task} ${calls}`)).s as number,
    timing: async (task, calls) => {
      const a = await ask(`${task} ${calls}`);
      return { wall: a.s as number, cpu: a.cpu as number };
    },
    close: () => py.stdin.end(),
  };
}
