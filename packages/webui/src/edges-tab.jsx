// The "Edges" tab (locust-ts): each synchronized edge with its spread and late workers, from
// GET /edges, polled like Locust's own tabs poll their routes.
import { useEffect, useState } from 'react';
import { Table } from 'locust-ui';

const POLL_MS = 2000;

const STRUCTURE = [
  { key: 'time', title: 'Instant' },
  { key: 'targetUsers', title: 'Target users' },
  { key: 'workers', title: 'locust-ts workers' },
  { key: 'spread', title: 'Spread ms' },
  { key: 'lead', title: 'Lead ms' },
  { key: 'late', title: 'Late workers' },
];

function rowsOf(edges) {
  return edges.map((e) => ({
    time: new Date(e.startAt * 1000).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 }),
    targetUsers: e.targetUsers,
    workers: e.workers.length,
    spread: e.spreadMs === null ? 'no acknowledgement' : e.spreadMs.toFixed(1),
    lead: e.leadMs.toFixed(0),
    late: e.lateWorkers.join('; ') || '-',
  }));
}

/** The edges table from a `GET /edges` answer (the tab polls it; the HTML report embeds it). */
export function EdgesView({ view }) {
  return (
    <div>
      {view.notice && <p>{view.notice}</p>}
      {view.edges.length === 0 ? <p>No synchronized edge yet (an edge: a target change whose spawn rate covers the whole change).</p> : <Table rows={rowsOf(view.edges).reverse()} structure={STRUCTURE} />}
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
