// The built-in load shapes as the start form offers them: the fields of each kind with the
// defaults of README's examples, and the `--shape` spec they make (the master parses and checks
// it: packages/master/src/shapes/parse-shape-spec.ts).
export const SHAPE_FORMS = {
  square: {
    title: 'Square pulse',
    fields: [
      ['base', 'Base users', '0'],
      ['peak', 'Peak users', '100'],
      ['on', 'Peak lasts', '30s'],
      ['off', 'Base lasts', '60s'],
      ['cycles', 'Cycles (empty: until stopped)', '3'],
    ],
  },
  steps: {
    title: 'Steps',
    fields: [
      ['start', 'Start users', '10'],
      ['step', 'Users added per step', '10'],
      ['every', 'Step lasts', '30s'],
      ['max', 'Max users', '200'],
    ],
  },
  spike: {
    title: 'Spike',
    fields: [
      ['base', 'Base users', '20'],
      ['peak', 'Spike users', '500'],
      ['at', 'Spike starts at', '60s'],
      ['hold', 'Spike lasts', '10s'],
    ],
  },
  stages: {
    title: 'Stages (k6-style, linear)',
    // one field: <duration>=<target>, … in order
    fields: [['stages', 'Stages: duration=target, …', '30s=100,60s=100,10s=0']],
  },
};

/** `kind:key=value,…` from the form's values; empty fields are left out (the master's default). */
export function shapeSpec(kind, values, unit, rate) {
  const form = SHAPE_FORMS[kind];
  if (!form) return '';
  const parts = [];
  for (const [key] of form.fields) {
    const value = String(values[key] ?? '').trim();
    if (value === '') continue;
    parts.push(kind === 'stages' ? value : `${key}=${value}`);
  }
  if (unit === 'rps') parts.push('unit=rps');
  if (String(rate ?? '').trim() !== '' && unit !== 'rps') parts.push(`rate=${String(rate).trim()}`);
  return `${kind}:${parts.join(',')}`;
}
