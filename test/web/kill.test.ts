import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GradeStore, gradesFileFor } from '../../src/web/grade-store.js';
import { makeWebCatalog } from '../helpers/web-catalog.js';
import { mulberry32 } from '../helpers/mulberry32.js';
import { killHard, spawnServer, type ServerProcess } from '../helpers/serve-process.js';

/**
 * 1,000 grades (500 candidates × 2 graders, each pair once) sent four at a time to a server that is killed with
 * SIGKILL at random moments and restarted; a grade the server answered 200 to is never lost, and a grade whose
 * request died with the server is sent again. At the end the database holds all 1,000, each with its value.
 */
test(
  'no grade is lost across 1,000 grades with the server killed (SIGKILL) at random moments',
  { timeout: 1_200_000 },
  async () => {
    const cat = makeWebCatalog(500, 'parquet', 16);
    const rand = mulberry32(2026);
    const todo = Array.from({ length: 1000 }, (_, k) => ({
      id: `cand-${k % 500}`,
      grader: k < 500 ? 'ann' : 'bob',
      grade: (k * 7 + (k >> 3)) % 4,
    }));
    const acked = new Map<string, number>();
    let server: ServerProcess = await spawnServer(cat.file);
    let kills = 0;
    let restarting: Promise<void> | null = null;
    const restart = (): Promise<void> =>
      (restarting ??= (async () => {
        await killHard(server);
        server = await spawnServer(cat.file);
        restarting = null;
      })());
    // Kills at random moments: once a random number of grades is acknowledged, after a random few milliseconds,
    // so requests are in flight when the process dies.
    const thresholds = Array.from({ length: 5 }, () => 50 + Math.floor(rand() * 900)).sort((a, b) => a - b);
    let timer: NodeJS.Timeout | null = null;
    let done = false;
    const armKill = () => {
      if (done || timer || kills >= thresholds.length || acked.size < thresholds[kills]) return;
      timer = setTimeout(() => {
        if (done) return;
        kills++;
        void restart().then(() => (timer = null));
      }, rand() * 20);
    };
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const g = todo[next++];
        for (;;) {
          if (restarting) await restarting;
          try {
            const res = await fetch(server.url + 'api/grades', {
              method: 'PUT',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify(g),
            });
            if (res.status === 200) {
              acked.set(`${g.id}/${g.grader}`, g.grade);
              armKill();
              break;
            }
            assert.fail(`grade ${JSON.stringify(g)}: ${res.status} ${await res.text()}`);
          } catch (err) {
            if (err instanceof assert.AssertionError) throw err;
            // The server died under this request: it may or may not have stored it; send it again.
            await restart();
          }
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    done = true;
    if (timer) clearTimeout(timer);
    if (restarting) await restarting;
    await killHard(server);
    assert.equal(kills, 5, `the server was killed ${kills} times while grading`);
    assert.equal(acked.size, 1000);
    const store = new GradeStore(gradesFileFor(cat.file));
    const stored = new Map(store.all().map((r) => [`${r.id}/${r.grader}`, r.grade]));
    store.close();
    assert.equal(stored.size, 1000);
    for (const [key, grade] of acked) assert.equal(stored.get(key), grade, key);
    console.log(`# 1000 grades, server killed ${kills} times, none lost`);
  },
);
