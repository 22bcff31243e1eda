// The "Scaling" tab (locust-ui extended tab) and the header's replicas figure, from GET /scale
// (the master's --watch-scale timeline). The replicas chart shares its time axis with RPS, so a
// pulse, the HPA's decision and the new pods' readiness read off one picture.
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import * as echarts from 'echarts';
import { Box, Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';

const POLL_MS = 2000;
const SCALE_URL = './scale';

function useScale() {
  const [scale, setScale] = useState(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      fetch(SCALE_URL)
        .then((r) => (r.ok ? r.json() : null))
        .then((v) => !stopped && setScale(v))
        .catch(() => undefined);
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return scale;
}

// the charts share one look and a time axis (the RPS chart's)
const chartBase = (text) => ({ title: { text }, tooltip: { trigger: 'axis' }, legend: { top: 28 }, grid: { top: 70, left: 50, right: 60 }, xAxis: { type: 'time' } });

const point = (field) => (s) => [s.time * 1000, s[field]];

function Chart({ id, option }) {
  const ref = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = echarts.init(ref.current);
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => chart.current?.setOption(option, true), [option]);
  return <div data-testid={id} ref={ref} style={{ width: '100%', height: 320 }} />;
}

function replicasOption(samples) {
  const line = (name, field, axis = 0, step = 'end') => ({ name, type: 'line', step, showSymbol: false, yAxisIndex: axis, data: samples.map(point(field)) });
  return {
    ...chartBase('Replicas and requests/s'),
    yAxis: [{ type: 'value', name: 'replicas', minInterval: 1 }, { type: 'value', name: 'RPS' }],
    series: [
      line('Desired', 'desiredReplicas'),
      line('Ready', 'readyReplicas'),
      line('HPA desired', 'hpaDesiredReplicas'),
      line('Pending pods', 'pendingPods'),
      { ...line('RPS', 'rps', 1, false), lineStyle: { type: 'dashed' } },
    ],
  };
}

function cpuOption(samples) {
  return {
    ...chartBase('CPU utilisation (% of requests)'),
    yAxis: { type: 'value', name: '%' },
    series: [
      { name: 'CPU', type: 'line', showSymbol: false, data: samples.map(point('cpuUtilization')) },
      { name: 'Target', type: 'line', step: 'end', showSymbol: false, lineStyle: { type: 'dashed' }, data: samples.map(point('cpuTarget')) },
    ],
  };
}

const metricLabel = (m) => `${m.name}${m.object ? ` (${m.object})` : ''}`;

// one axis for metrics in different units: each as % of its own target (the HPA's usage ratio;
// above 100% it scales up)
function metricsOption(samples) {
  const labels = [...new Set(samples.flatMap((s) => (s.hpaMetrics ?? []).map(metricLabel)))];
  const ratio = (s, label) => {
    const m = (s.hpaMetrics ?? []).find((x) => metricLabel(x) === label);
    return m && m.current !== null && m.target ? Math.round((m.current / m.target) * 1000) / 10 : null;
  };
  return {
    ...chartBase('HPA metrics, % of their target'),
    yAxis: { type: 'value', name: '% of target' },
    series: labels.map((label, i) => ({
      name: label,
      type: 'line',
      showSymbol: false,
      data: samples.map((s) => [s.time * 1000, ratio(s, label)]),
      ...(i === 0 ? { markLine: { silent: true, symbol: 'none', data: [{ yAxis: 100 }], lineStyle: { type: 'dashed' } } } : {}),
    })),
  };
}

/** 1.5k, 256Mi-ish figures without a unit library: utilisation in %, other values with SI prefixes. */
function metricValue(v, m) {
  if (v === null || v === undefined) return '—';
  if (m.targetType === 'Utilization') return `${v}%`;
  const abs = Math.abs(v);
  // memory in Kubernetes' binary units (requests are written 512Mi)
  const prefixes = m.name.endsWith('memory') ? [[1024 ** 3, 'Gi'], [1024 ** 2, 'Mi'], [1024, 'Ki']] : [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [f, p] of prefixes) if (abs >= f) return `${+(v / f).toFixed(2)}${p}`;
  return `${+v.toFixed(3)}`;
}

function MetricsTable({ metrics }) {
  if (!metrics || metrics.length === 0) return null;
  return (
    <Table size='small' data-testid='scale-hpa-metrics'>
      <TableHead>
        <TableRow>
          <TableCell>HPA metric</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Current</TableCell>
          <TableCell>Target</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {metrics.map((m) => (
          <TableRow key={`${m.type}-${metricLabel(m)}`}>
            <TableCell>{metricLabel(m)}</TableCell>
            <TableCell>{`${m.type} (${m.targetType})`}</TableCell>
            <TableCell>{metricValue(m.current, m)}</TableCell>
            <TableCell>{metricValue(m.target, m)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const seconds = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} s`);
const ms = (v) => (v === null || v === undefined ? '—' : `${v} ms`);
const pct = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

function Figures({ figures }) {
  if (!figures || figures.anchor === null || figures.anchor === undefined) return <Typography>The test has not started.</Typography>;
  const rows = [
    [`HPA scale-up decision (from ${figures.anchorKind})`, seconds(figures.scaleUpDecisionSeconds)],
    ['New pods Ready', seconds(figures.newPodsReadySeconds)],
    ['Replicas: baseline → peak (ready)', `${figures.baselineReplicas ?? '—'} → ${figures.peakReplicas ?? '—'} (${figures.peakReadyReplicas ?? '—'})`],
    ['p95 before / during / after scale-up', `${ms(figures.before.p95)} / ${ms(figures.during.p95)} / ${ms(figures.after.p95)}`],
    ['Failures before / during / after', `${pct(figures.before.failRatio)} / ${pct(figures.during.failRatio)} / ${pct(figures.after.failRatio)}`],
    ['Scale-down after the load ended', seconds(figures.scaleDownSeconds)],
  ];
  return (
    <Table size='small' data-testid='scale-figures'>
      <TableBody>
        {rows.map(([k, v]) => (
          <TableRow key={k}>
            <TableCell>{k}</TableCell>
            <TableCell>{v}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function ScalingTab() {
  return <ScaleView scale={useScale()} />;
}

/** The scale watch from a `GET /scale` answer (the tab polls it; the HTML report embeds it). */
export function ScaleView({ scale }) {
  if (!scale) return <Typography sx={{ p: 2 }}>Loading the scale watch…</Typography>;
  if (!scale.enabled) {
    return <Typography sx={{ p: 2 }}>The scale watch is off: start the master with --watch-scale DEPLOYMENT (and --kube-namespace NS).</Typography>;
  }
  const time = (t) => new Date(t * 1000).toLocaleTimeString();
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Typography variant='h6'>
        Deployment {scale.deployment} (namespace {scale.namespace})
      </Typography>
      {scale.warnings.map((w) => (
        <Typography key={w} color='warning.main'>
          {w}
        </Typography>
      ))}
      <Paper sx={{ p: 1 }}>
        <Chart id='scale-replicas-chart' option={replicasOption(scale.samples)} />
      </Paper>
      <Paper sx={{ p: 1 }}>
        <Chart id='scale-cpu-chart' option={cpuOption(scale.samples)} />
      </Paper>
      {scale.samples.some((s) => (s.hpaMetrics ?? []).length > 1) && (
        <Paper sx={{ p: 1 }}>
          <Chart id='scale-metrics-chart' option={metricsOption(scale.samples)} />
        </Paper>
      )}
      <MetricsTable metrics={scale.samples.at(-1)?.hpaMetrics} />
      <Figures figures={scale.figures} />
      {scale.assertions.length > 0 && (
        <Table size='small' data-testid='scale-assertions'>
          <TableBody>
            {scale.assertions.map((a) => (
              <TableRow key={a.expr}>
                <TableCell>{a.passed === null ? 'OPEN' : a.passed ? 'PASS' : 'FAIL'}</TableCell>
                <TableCell>{a.expr}</TableCell>
                <TableCell>{a.measured}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Table size='small' data-testid='scale-events'>
        <TableHead>
          <TableRow>
            <TableCell>Time</TableCell>
            <TableCell>Type</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Object</TableCell>
            <TableCell>Message</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {[...scale.events].reverse().map((e, i) => (
            <TableRow key={`${e.time}-${i}`}>
              <TableCell>{time(e.time)}</TableCell>
              <TableCell>{e.type}</TableCell>
              <TableCell>{e.reason}</TableCell>
              <TableCell>{e.object}</TableCell>
              <TableCell>{e.message}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

export const scalingTab = { key: 'scaling', title: 'Scaling', component: ScalingTab };

/**
 * locust-ui's header has no slot for extra figures: this puts "Replicas ready/desired" at the end
 * of its toolbar (a portal), only while a scale watch runs.
 */
export function ReplicasHeader() {
  const scale = useScale();
  const [slot, setSlot] = useState(null);
  useEffect(() => {
    const find = () => {
      const toolbar = document.querySelector('header .MuiToolbar-root');
      if (!toolbar) return false;
      const el = document.createElement('div');
      el.setAttribute('data-testid', 'replicas-header');
      el.style.cssText = 'display:flex;flex-direction:column;align-items:center;margin-left:16px';
      toolbar.appendChild(el);
      setSlot(el);
      return true;
    };
    if (find()) return undefined;
    const timer = setInterval(() => find() && clearInterval(timer), 250);
    return () => clearInterval(timer);
  }, []);
  const last = scale?.enabled ? scale.samples.at(-1) : null;
  if (!slot || !last) return null;
  return createPortal(
    <>
      <Typography sx={{ fontWeight: 'bold' }}>Replicas</Typography>
      <Typography variant='button' noWrap>
        {last.readyReplicas ?? '—'}/{last.desiredReplicas ?? '—'}
      </Typography>
    </>,
    slot,
  );
}
