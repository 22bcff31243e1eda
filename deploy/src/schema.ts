/**
 * Strict field check for Kubernetes objects as written in YAML.
 *
 * client-node's model loader silently drops fields it does not know, so a typo such as
 * `imagePullPolcy` would vanish before anything could complain. This walks the raw parsed YAML
 * against the attribute maps that client-node generates from the Kubernetes OpenAPI spec — every
 * object is closed (additionalProperties: false) — and reports each unknown or mistyped field by
 * its path, the way the API server's strict field validation does.
 */
import * as models from '@kubernetes/client-node';

interface AttributeType {
  readonly baseName: string;
  readonly type: string;
}
interface ModelClass {
  getAttributeTypeMap(): AttributeType[];
}

/** Model class for each apiVersion + kind the manifests use (generated client class names). */
const TOP_LEVEL_MODELS: Readonly<Record<string, string>> = {
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Namespace': 'V1Namespace',
  'v1/Service': 'V1Service',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'apps/v1/Deployment': 'V1Deployment',
  'autoscaling/v2/HorizontalPodAutoscaler': 'V2HorizontalPodAutoscaler',
  'batch/v1/Job': 'V1Job',
  'networking.k8s.io/v1/NetworkPolicy': 'V1NetworkPolicy',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
};

/**
 * Fields that are resource.Quantity in the API but plain strings in the generated client: YAML may
 * write them as numbers (`cpu: 1`), which the API server accepts.
 */
const QUANTITY_FIELDS: Readonly<Record<string, string>> = {
  'V1ResourceRequirements.limits': '{ [key: string]: Quantity; }',
  'V1ResourceRequirements.requests': '{ [key: string]: Quantity; }',
  'V1EmptyDirVolumeSource.sizeLimit': 'Quantity',
  'V2MetricTarget.averageValue': 'Quantity',
  'V2MetricTarget.value': 'Quantity',
};

const ARRAY_TYPE = /^Array<(.+)>$/;
const MAP_TYPE = /^\{ \[key: string\]: (.+); \}$/;

export interface FieldProblem {
  /** JSON-path-like location, e.g. `.spec.template.spec.containers[0].imagePullPolcy`. */
  readonly path: string;
  readonly message: string;
}

export function modelNameFor(apiVersion: unknown, kind: unknown): string | undefined {
  return TOP_LEVEL_MODELS[`${String(apiVersion)}/${String(kind)}`];
}

/** Every unknown or mistyped field of one raw manifest object; empty when the object is clean. */
export function checkFields(raw: unknown): FieldProblem[] {
  if (!isPlainObject(raw)) return [{ path: '.', message: 'a manifest must be a mapping' }];
  const modelName = modelNameFor(raw.apiVersion, raw.kind);
  if (!modelName) {
    return [{ path: '.', message: `unsupported kind ${String(raw.apiVersion)}/${String(raw.kind)}` }];
  }
  const problems: FieldProblem[] = [];
  checkValue(raw, modelName, '', problems);
  return problems;
}

function checkValue(value: unknown, type: string, path: string, problems: FieldProblem[]): void {
  if (value === null || value === undefined) return; // explicit nulls mean "unset" in Kubernetes
  const arrayOf = ARRAY_TYPE.exec(type);
  if (arrayOf) {
    if (!Array.isArray(value)) return void problems.push({ path, message: `expected a list, got ${describe(value)}` });
    value.forEach((item, index) => checkValue(item, arrayOf[1], `${path}[${index}]`, problems));
    return;
  }
  const mapOf = MAP_TYPE.exec(type);
  if (mapOf) {
    if (!isPlainObject(value)) return void problems.push({ path, message: `expected a mapping, got ${describe(value)}` });
    for (const [key, item] of Object.entries(value)) checkValue(item, mapOf[1], `${path}.${key}`, problems);
    return;
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') problems.push({ path, message: `expected a string, got ${describe(value)}` });
      return;
    case 'number':
      if (typeof value !== 'number') problems.push({ path, message: `expected a number, got ${describe(value)}` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push({ path, message: `expected a boolean, got ${describe(value)}` });
      return;
    case 'Quantity':
      if (typeof value !== 'string' && typeof value !== 'number') {
        problems.push({ path, message: `expected a quantity, got ${describe(value)}` });
      }
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && !Number.isInteger(value)) {
        problems.push({ path, message: `expected an integer or a string, got ${describe(value)}` });
      }
      return;
    case 'Date':
      if (typeof value !== 'string') problems.push({ path, message: `expected a timestamp, got ${describe(value)}` });
      return;
    case 'any':
    case 'object':
      return;
  }
  const model = (models as unknown as Record<string, ModelClass | undefined>)[type];
  if (!model || typeof model.getAttributeTypeMap !== 'function') {
    problems.push({ path, message: `no schema for type ${type}` });
    return;
  }
  if (!isPlainObject(value)) return void problems.push({ path, message: `expected a mapping, got ${describe(value)}` });
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    const fieldType = QUANTITY_FIELDS[`${type}.${key}`] ?? attributes.get(key);
    if (fieldType === undefined) problems.push({ path: `${path}.${key}`, message: 'field not declared in schema' });
    else checkValue(item, fieldType, `${path}.${key}`, problems);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
}
