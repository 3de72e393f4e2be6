// js-yaml arrives as a transitive dev dependency without types; `load` is all the tests use
// (safe by default from js-yaml 4; on 3.x it parses this repository's own files only).
declare module 'js-yaml' {
  const yaml: { load(text: string): unknown };
  export default yaml;
}
