// parse-prometheus-text-format ships no types: the shape of what it returns, as far as tests read it.
declare module 'parse-prometheus-text-format' {
  interface MetricSample {
    value: string;
    labels?: Record<string, string>;
  }
  interface MetricFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    metrics: MetricSample[];
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
