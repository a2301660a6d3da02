import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./serve-child.ts', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from the start of startServer until it listened (catalogue read, page bundled). */
  startMs: number;
  /** Of which reading the catalogue and sorting it by score. */
  catalogMs: number;
}

// Servers still running when a test file ends (a test that timed out or threw before its own kill): killed by the
// file's root `after` hook, so the test process can exit instead of waiting on the child's pipes.
const live = new Set<ChildProcess>();
after(() => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `lensfind serve` on a catalogue in a child process and resolves once it listens. */
export function spawnServer(
  catalog: string,
  runs = '',
  opts: { grades?: string; uid?: number; gid?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, catalog, runs, opts.grades ?? ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
    uid: opts.uid,
    gid: opts.gid,
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"port":(\d+),"startMs":(\d+),"catalogMs":(-?\d+)\}/.exec(out);
      if (m)
        resolve({ child, url: `http://127.0.0.1:${m[1]}/`, startMs: Number(m[2]), catalogMs: Number(m[3]) });
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
}

/** kill -9, and wait until the process is gone. */
export function killHard(p: ServerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}
