export { BuiltinShape, isBuiltinShape, type ShapeKind, type ShapeUnit, type ShapeSegment } from './builtin-shape.js';
export { parseShapeSpec, SHAPE_KINDS, SHAPE_EXAMPLES } from './parse-shape-spec.js';
export { ShapeSpecError, parseDuration } from './spec-values.js';
