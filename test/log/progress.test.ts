import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress, formatDuration } from '../../src/log/progress.js';

function capture(tty: boolean) {
  const lines: string[] = [];
  const stream = { write: (s: string) => (lines.push(s), true) };
  return {
    lines,
    bar: (total: number) => new Progress({ label: 'x', total, stream, tty, plainEvery: 1000 }),
  };
}

test('progress in a log: the end is printed once, whether update or finish reaches it', () => {
  const { lines, bar } = capture(false);
  const p = bar(4);
  p.update(1);
  p.update(2);
  assert.equal(lines.length, 0, 'plain lines only every plainEvery seconds');
  p.update(4);
  p.update(4);
  p.finish();
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^x: 100% 4\/4 /);
  // finishing with new fields prints them
  p.finish({ loss: 0.5 });
  assert.equal(lines.length, 2);
  assert.match(lines[1], /loss=0\.5000/);
  // a bar finished early still prints where it stopped
  const q = bar(10);
  q.update(3);
  q.finish();
  assert.equal(lines.length, 3);
  assert.match(lines[2], /^x: 30% 3\/10 /);
});

test('progress on a terminal: redrawn in place, and the end ends the line', () => {
  const { lines, bar } = capture(true);
  const p = bar(2);
  p.update(2);
  p.finish();
  assert.ok(lines.every((l) => l.startsWith('\r\x1b[2K')));
  assert.ok(lines.at(-1)!.endsWith('\n'));
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(Infinity), '--:--');
});
