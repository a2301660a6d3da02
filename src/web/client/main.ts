import { byId, api, setStatus } from './dom.js';
import { Candidates } from './candidates.js';
import { RunsView } from './runs.js';

interface Info {
  catalog: { file: string; n: number; columns: string[]; numeric: string[]; grades: string } | null;
  runs: boolean;
  grader: string | null;
}

async function start(): Promise<void> {
  const info = await api<Info>('/api/info');
  const tabs = { candidates: byId('tab-candidates'), runs: byId('tab-runs') };
  const sections = { candidates: byId('candidates'), runs: byId('runs') };
  let candidates: Candidates | null = null;
  let runs: RunsView | null = null;
  const show = (which: 'candidates' | 'runs') => {
    for (const k of ['candidates', 'runs'] as const) {
      sections[k].hidden = k !== which;
      tabs[k].classList.toggle('active', k === which);
    }
    if (which === 'candidates' && info.catalog && !candidates)
      candidates = new Candidates(sections.candidates, info.catalog, info.grader);
    if (which === 'runs' && info.runs && !runs) runs = new RunsView(sections.runs);
    location.hash = which;
  };
  tabs.candidates.hidden = !info.catalog;
  tabs.runs.hidden = !info.runs;
  tabs.candidates.onclick = () => show('candidates');
  tabs.runs.onclick = () => show('runs');
  show(location.hash === '#runs' && info.runs ? 'runs' : info.catalog ? 'candidates' : 'runs');
}

start().catch((err: Error) => setStatus(err.message, true));
