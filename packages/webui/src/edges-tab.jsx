// The "Edges" tab (locust-ts): each synchronized edge with the workers' start spread, its users'
// first requests (sent / answered p50/p99/max ms after the instant, and how many had no warm
// connection: what the target saw), and late workers, from GET /edges, polled like Locust's own
// tabs poll their routes. A row per worker follows each edge that started users.
import { useEffect, useState } from 'react';
import { Table } from 'locust-ui';

const POLL_MS = 2000;

const STRUCTURE = [
  { key: 'time', title: 'Instant' },
  { key: 'targetUsers', title: 'Target users' },
  { key: 'workers', title: 'locust-ts workers' },
  { key: 'spread', title: 'Start spread ms' },
  { key: 'sent', title: 'First requests sent p50/p99/max ms' },
  { key: 'answered', title: 'Answered p50/p99/max ms' },
  { key: 'cold', title: 'No warm connection' },
  { key: 'lead', title: 'Lead ms' },
  { key: 'late', title: 'Late workers' },
];

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(0));
const times = (t) => `${ms(t.p50)} / ${ms(t.p99)} / ${ms(t.max)} (${t.count})`;
const firstCells = (f) =>
  f ? { sent: times(f.sent), answered: times(f.answered), cold: `${f.cold} of ${f.users}` } : { sent: '-', answered: '-', cold: '-' };

/** Newest edge first; under each edge that started users, a row per worker. */
function rowsOf(edges) {
  return [...edges].reverse().flatMap((e) => [
    {
      time: new Date(e.startAt * 1000).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 }),
      targetUsers: e.targetUsers,
      workers: e.workers.length,
      spread: e.spreadMs === null ? 'no acknowledgement' : e.spreadMs.toFixed(1),
      ...firstCells(e.firstRequests ?? null),
      lead: e.leadMs.toFixed(0),
      late: e.lateWorkers.join('; ') || '-',
    },
    ...e.workers
      .filter((w) => w.firstRequests)
      .map((w) => ({
        time: `  worker ${w.workerIndex}`,
        targetUsers: '',
        workers: w.workerId,
        spread: w.lateMs === null ? 'no acknowledgement' : `${w.lateMs >= 0 ? '+' : ''}${w.lateMs.toFixed(1)}`,
        ...firstCells(w.firstRequests),
        lead: '',
        late: '',
      })),
  ]);
}

/** The edges table from a `GET /edges` answer (the tab polls it; the HTML report embeds it). */
export function EdgesView({ view }) {
  return (
    <div>
      {view.notice && <p>{view.notice}</p>}
      {view.edges.length === 0 ? <p>No synchronized edge yet (an edge: a target change whose spawn rate covers the whole change).</p> : <Table rows={rowsOf(view.edges)} structure={STRUCTURE} />}
    </div>
  );
}

function EdgesTab() {
  const [view, setView] = useState({ edges: [], notice: null });
  useEffect(() => {
    let live = true;
    const load = () =>
      fetch(`${window.baseUrl ?? '/'}edges`)
        .then((r) => r.json())
        .then((v) => live && setView(v))
        .catch(() => undefined);
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return <EdgesView view={view} />;
}

export const edgesTab = { key: 'edges', title: 'Edges', component: EdgesTab };
