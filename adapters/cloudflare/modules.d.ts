/** Non-JS modules wrangler bundles (rules in wrangler.toml). */
declare module '*.bcmap' {
  const data: ArrayBuffer;
  export default data;
}
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.traineddata.gz' {
  const data: ArrayBuffer;
  export default data;
}
declare module 'tesseract.js-core/tesseract-core-simd-lstm.js' {
  const factory: (moduleArg?: Record<string, unknown>) => Promise<any>;
  export default factory;
}
declare module 'jpeg-js/lib/decoder.js' {
  const decode: (data: Uint8Array, opts?: Record<string, unknown>) => { width: number; height: number; data: Uint8Array };
  export default decode;
}
declare module 'cloudflare:workers' {
  import type { DurableObjectState } from '@cloudflare/workers-types/latest/index.ts';
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}
/** The part of the WebAssembly API the OCR engine uses (not in the ES library typings). */
declare namespace WebAssembly {
  class Module {}
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    readonly exports: Record<string, unknown>;
  }
  type Imports = Record<string, Record<string, unknown>>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
declare module 'node:async_hooks' {
  /** workerd's AsyncLocalStorage (compatibility flag nodejs_als). */
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, fn: () => R): R;
  }
}
