/** The HTML report's data: the `window.templateArgs` the master wrote in front of Locust's report page. */
export interface ReportArgs {
  is_report: boolean;
  requests_statistics: Array<Record<string, unknown> & { method: string; name: string; num_requests: number; num_failures: number }>;
  failures_statistics: Array<{ method: string; name: string; error: string; occurrences: number }>;
  exceptions_statistics: Array<{ count: number; msg: string; traceback: string; nodes: string }>;
  response_time_statistics: Array<Record<string, unknown>>;
  history: Array<Record<string, unknown>>;
  show_download_link: boolean;
  host: string;
  locustfile: string;
  edges: { edges: unknown[] } | null;
  scale: { enabled: boolean; deployment: string; namespace: string; samples: unknown[]; events: Array<{ reason: string }>; summary: string[] } | null;
}

export function reportArgs(html: string): ReportArgs {
  const m = /^\s*window\.templateArgs = (\{.*\});$/m.exec(html);
  if (!m) throw new Error('no window.templateArgs in the report');
  return JSON.parse(m[1]!) as ReportArgs;
}
