/**
 * A second, independent reading of the Kubernetes schema for the strict field check: the
 * TypeScript declarations kubernetes-models generates from the Kubernetes OpenAPI spec (one
 * interface per definition, maps as index signatures), walked with the TypeScript checker.
 * deploy/src/schema.ts reads client-node's attribute maps instead; tests hold the two against
 * each other, so the tool's "field not declared in schema" is the schema's word, not its own.
 */
import ts from 'typescript';
import { join } from 'node:path';
import { REPO_ROOT } from './api/harness.js';

/** apiVersion/kind → the kubernetes-models module and interface declaring it. */
const KINDS: Readonly<Record<string, readonly [string, string]>> = {
  'v1/ConfigMap': ['kubernetes-models/v1', 'IConfigMap'],
  'v1/Service': ['kubernetes-models/v1', 'IService'],
  'v1/ServiceAccount': ['kubernetes-models/v1', 'IServiceAccount'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1', 'IDeployment'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-models/autoscaling/v2', 'IHorizontalPodAutoscaler'],
  'batch/v1/Job': ['kubernetes-models/batch/v1', 'IJob'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1', 'INetworkPolicy'],
  'rbac.authorization.k8s.io/v1/Role': ['kubernetes-models/rbac.authorization.k8s.io/v1', 'IRole'],
  'rbac.authorization.k8s.io/v1/RoleBinding': ['kubernetes-models/rbac.authorization.k8s.io/v1', 'IRoleBinding'],
};

let loaded: { checker: ts.TypeChecker; types: Map<string, ts.Type> } | undefined;

/** One program over a generated file naming each kind's interface (built once, ~1-2 s). */
function load(): { checker: ts.TypeChecker; types: Map<string, ts.Type> } {
  if (loaded) return loaded;
  const file = join(REPO_ROOT, 'test/k8s/__declared_kinds__.ts');
  const entries = Object.entries(KINDS);
  const text = entries.map(([, [module, name]], i) => `import type { ${name} as K${i} } from '${module}';\nexport type T${i} = K${i};`).join('\n');
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const types = new Map<string, ts.Type>();
  const aliases = source.statements.filter(ts.isTypeAliasDeclaration);
  entries.forEach(([kind], i) => types.set(kind, checker.getTypeAtLocation(aliases[i]!.name)));
  loaded = { checker, types };
  return loaded;
}

/** Paths (`.spec.replica`) of every field the declarations do not have, or the kind itself if unknown. */
export function undeclaredFields(object: Record<string, unknown>): string[] {
  const { checker, types } = load();
  const type = types.get(`${String(object.apiVersion)}/${String(object.kind)}`);
  if (!type) return ['.'];
  const out: string[] = [];
  walk(checker, object, type, '', out);
  return out;
}

function walk(checker: ts.TypeChecker, value: unknown, declared: ts.Type, path: string, out: string[]): void {
  if (value === null || value === undefined || typeof value !== 'object') return; // scalars: kubernetes-models' validators check types
  let type = checker.getNonNullableType(declared);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return; // free-form (e.g. RawExtension)
  if (type.isUnion()) {
    // e.g. IntOrString, Quantity (string | number): pick the member shaped like the value
    const member = type.types.find((t) => (Array.isArray(value) ? checker.isArrayType(t) : (t.flags & ts.TypeFlags.Object) !== 0 && !checker.isArrayType(t)));
    if (!member) return void out.push(path);
    type = member;
  }
  if (Array.isArray(value)) {
    if (!checker.isArrayType(type)) return void out.push(path);
    const element = checker.getTypeArguments(type as ts.TypeReference)[0]!;
    value.forEach((item, i) => walk(checker, item, element, `${path}[${i}]`, out));
    return;
  }
  const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
  for (const [key, item] of Object.entries(value)) {
    const property = type.getProperty(key);
    if (property) walk(checker, item, checker.getTypeOfSymbol(property), `${path}.${key}`, out);
    else if (index) walk(checker, item, index, `${path}.${key}`, out);
    else out.push(`${path}.${key}`);
  }
}
