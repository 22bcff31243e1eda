/**
 * The stand-in's admission checks: a subset of the API server's own validation, with the same
 * field paths and wording, so a 422 from here reads like one from a real cluster.
 */
import { checkFields } from '../../../deploy/src/schema.js';

export interface Cause {
  readonly reason: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueUnknown';
  readonly field: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_LABEL = 63;
const MAX_SUBDOMAIN = 253;
const MAX_PORT = 65535;
const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function goMap(labels: Json): string {
  const entries = Object.entries(labels).map(([k, v]) => `"${k}":"${String(v)}"`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** Unknown fields, reported like server-side apply's "field not declared in schema". */
export function unknownFieldCauses(object: unknown): Cause[] {
  return checkFields(object).map((p) => ({
    reason: 'FieldValueUnknown' as const,
    field: p.path.replace(/^\./, ''),
    message: p.message,
  }));
}

export function validate(kind: string, object: Json, previous?: Json): Cause[] {
  const causes: Cause[] = [];
  const meta = obj(object.metadata);
  const name = String(meta.name ?? '');
  const nameRule = kind === 'Service' ? DNS1035_LABEL : DNS1123_SUBDOMAIN;
  const nameMax = kind === 'Service' ? MAX_LABEL : MAX_SUBDOMAIN;
  if (!name) causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else if (!nameRule.test(name) || name.length > nameMax) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": must be a valid DNS name` });
  }
  const spec = obj(object.spec);
  switch (kind) {
    case 'Deployment':
      validateDeployment(spec, causes, previous ? obj(previous.spec) : undefined);
      break;
    case 'Service':
      validateService(spec, causes);
      break;
    case 'HorizontalPodAutoscaler':
      validateAutoscaler(spec, causes);
      break;
  }
  return causes;
}

function validateDeployment(spec: Json, causes: Cause[], previous: Json | undefined): void {
  const replicas = spec.replicas;
  if (typeof replicas === 'number' && replicas < 0) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` });
  }
  const selector = obj(obj(spec.selector).matchLabels);
  if (Object.keys(selector).length === 0) {
    causes.push({ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
  }
  if (previous && JSON.stringify(obj(previous.selector)) !== JSON.stringify(obj(spec.selector))) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.selector', message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable` });
  }
  const template = obj(spec.template);
  const labels = obj(obj(template.metadata).labels);
  const matches = Object.entries(selector).every(([k, v]) => labels[k] === v);
  if (Object.keys(selector).length > 0 && !matches) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
    });
  }
  const containers = list(obj(template.spec).containers);
  if (containers.length === 0) {
    causes.push({ reason: 'FieldValueRequired', field: 'spec.template.spec.containers', message: 'Required value' });
  }
  const seen = new Set<string>();
  containers.forEach((raw, i) => {
    const c = obj(raw);
    const field = `spec.template.spec.containers[${i}]`;
    const cname = String(c.name ?? '');
    if (!cname) causes.push({ reason: 'FieldValueRequired', field: `${field}.name`, message: 'Required value' });
    else if (!DNS1123_LABEL.test(cname)) causes.push({ reason: 'FieldValueInvalid', field: `${field}.name`, message: `Invalid value: "${cname}"` });
    else if (seen.has(cname)) causes.push({ reason: 'FieldValueDuplicate', field: `${field}.name`, message: `Duplicate value: "${cname}"` });
    seen.add(cname);
    if (!c.image) causes.push({ reason: 'FieldValueRequired', field: `${field}.image`, message: 'Required value' });
    list(c.ports).forEach((p, j) => {
      const port = obj(p).containerPort;
      if (typeof port !== 'number' || port < 1 || port > MAX_PORT) {
        causes.push({ reason: 'FieldValueInvalid', field: `${field}.ports[${j}].containerPort`, message: `Invalid value: ${String(port)}: must be between 1 and 65535, inclusive` });
      }
    });
  });
}

function validateService(spec: Json, causes: Cause[]): void {
  const type = String(spec.type ?? 'ClusterIP');
  if (!SERVICE_TYPES.includes(type)) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.type', message: `Unsupported value: "${type}"` });
  }
  const ports = list(spec.ports);
  if (ports.length === 0 && type !== 'ExternalName') {
    causes.push({ reason: 'FieldValueRequired', field: 'spec.ports', message: 'Required value' });
  }
  ports.forEach((p, i) => {
    const port = obj(p).port;
    if (typeof port !== 'number' || port < 1 || port > MAX_PORT) {
      causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].port`, message: `Invalid value: ${String(port)}: must be between 1 and 65535, inclusive` });
    }
    if (ports.length > 1 && !obj(p).name) {
      causes.push({ reason: 'FieldValueRequired', field: `spec.ports[${i}].name`, message: 'Required value' });
    }
  });
}

function validateAutoscaler(spec: Json, causes: Cause[]): void {
  const ref = obj(spec.scaleTargetRef);
  if (!ref.kind) causes.push({ reason: 'FieldValueRequired', field: 'spec.scaleTargetRef.kind', message: 'Required value' });
  if (!ref.name) causes.push({ reason: 'FieldValueRequired', field: 'spec.scaleTargetRef.name', message: 'Required value' });
  const max = spec.maxReplicas;
  const min = spec.minReplicas ?? 1;
  if (typeof max !== 'number' || max < 1) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.maxReplicas', message: `Invalid value: ${String(max)}: must be greater than or equal to 1` });
  } else if (typeof min === 'number' && min > max) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.maxReplicas', message: `Invalid value: ${max}: must be greater than or equal to \`minReplicas\`` });
  }
}
