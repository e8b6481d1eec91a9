// What `import x from './x.wasm'` gives under the `workerd` condition: a compiled module (wrangler's
// CompiledWasm rule, the default for .wasm files).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
