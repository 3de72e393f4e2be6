// Jest runs each test file in its own vm realm, but the global structuredClone returns objects
// created in the outer realm. oidc-provider checks client metadata with a plain-object test that
// fails on such objects (invalid_client_metadata for static jwks). Rebuild plain data in this realm.
const rebuild = (value) => {
  if (Array.isArray(value)) return value.map(rebuild);
  if (
    value &&
    typeof value === 'object' &&
    !(value instanceof Date) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof ArrayBuffer)
  ) {
    const proto = Object.getPrototypeOf(value);
    if (proto === null || proto.constructor?.name === 'Object') {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = rebuild(v);
      return out;
    }
  }
  return value;
};
const outerClone = globalThis.structuredClone;
globalThis.structuredClone = (value, options) => rebuild(outerClone(value, options));
