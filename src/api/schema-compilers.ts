import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

const base = SerializerSelector();
/** Per shared-schema set and options: each response schema's serializer, once compiled. */
const compiled = new Map<string, WeakMap<object, Serializer>>();

/**
 * Fastify's own response serializer factory, with what it compiles kept for the process: every
 * app built on the same response schemas (each test builds its own; the schemas are module
 * constants) reuses one serializer per schema instead of generating and compiling its code again.
 */
export const buildSerializer: SerializerFactory = (externalSchemas, options) => {
  const compile = base(externalSchemas, options);
  const key = JSON.stringify([externalSchemas ?? null, options ?? null]);
  const forKey = compiled.get(key) ?? new WeakMap<object, Serializer>();
  compiled.set(key, forKey);
  return (route) => {
    const schema = route.schema;
    if (typeof schema !== 'object' || schema === null) return compile(route);
    let serializer = forKey.get(schema);
    if (!serializer) {
      serializer = compile(route);
      forKey.set(schema, serializer);
    }
    return serializer;
  };
};
