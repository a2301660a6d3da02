// The CLI prints any error as one line with an exit code: a LensfindError (something to fix) exits 2, anything
// else (a bug) exits 1; the stack trace only with --verbose or LENSFIND_DEBUG=1.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { commands, main } from '../../src/cli/main.js';
import type { Command } from '../../src/cli/command.js';
import { computePosWeight } from '../../src/data/sampler.js';

/** Registers a command whose run calls `body`, runs `argv`, and returns the exit code and stderr lines. */
async function run(body: () => void, argv: string[], env: Record<string, string> = {}) {
  const cmd: Command = { name: 'probe', summary: 'a test command.', options: {}, run: async () => body() };
  commands.probe = async () => cmd;
  const lines: string[] = [];
  const err = mock.method(console, 'error', (...a: unknown[]) => lines.push(a.join(' ')));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(['probe', ...argv]);
    return { code, lines: lines.join('\n').split('\n') };
  } finally {
    err.mock.restore();
    delete commands.probe;
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

test('a library value error that was a bare RangeError is one line naming it, exit 2', async () => {
  const r = await run(() => computePosWeight([0, 0, 0]), []);
  assert.equal(r.code, 2);
  assert.deepEqual(r.lines, [
    'lensfind probe: computePosWeight: the training labels have no positives (lenses)',
  ]);
});

test('a bug is one line, exit 1; the stack only with --verbose or LENSFIND_DEBUG=1', async () => {
  const boom = () => {
    throw new TypeError('cannot read x of undefined');
  };
  const quiet = await run(boom, []);
  assert.equal(quiet.code, 1);
  assert.deepEqual(quiet.lines, [
    'lensfind probe: internal error: cannot read x of undefined (--verbose or LENSFIND_DEBUG=1 prints the stack trace)',
  ]);
  for (const [argv, env] of [
    [['--verbose'], {}],
    [[], { LENSFIND_DEBUG: '1' }],
  ] as const) {
    const loud = await run(boom, [...argv], env);
    assert.equal(loud.code, 1);
    assert.equal(loud.lines[0], 'lensfind probe: internal error: cannot read x of undefined');
    assert.match(loud.lines[1], /^TypeError: cannot read x of undefined/);
    assert.ok(
      loud.lines.some((l) => /main-errors\.test\.ts/.test(l)),
      'the stack names where it was thrown',
    );
  }
});
