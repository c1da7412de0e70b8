/**
 * The one builder of our WebAssembly modules: it owns the sections (types, imports, functions,
 * memory, exports, code, and the `name` section), so a kernel file is a list of functions with
 * named parameters and locals, and never places section bytes by hand. Modelled on jax-js's
 * `CodeGenerator` (`src/backend/wasm/wasmblr.ts`), cut down to what our kernels use: function
 * types are deduplicated, locals are declared in runs of one type, and every function and local
 * gets its name in the `name` section so `wasm2wat` prints `local.get $ptr`, not `local.get 18`.
 *
 * A new kernel: a file here that builds its module with this class (see `heap_loops.ts`), an
 * entry in `test/wasm/kernels.ts` (the 4 KB synchronous-compile limit and the `.wat` snapshot
 * apply to it), then `npm run wasm:wat` to write `src/wasm/wat/<kernel>.wat`.
 *
 * @internal
 * @module
 */
import { Code, END, HEADER, type F32, type I32, type V128, uleb } from "./assembler.js";

/** The value types our kernels use. */
type ValueType = typeof I32 | typeof F32 | typeof V128;

/** Named value types, in index order (parameters or locals). */
type Slots = Record<string, ValueType>;

/** Each parameter's and local's index, by name. */
export type LocalIndices<P extends Slots, L extends Slots> = { readonly [K in keyof P | keyof L]: number };

/** A function: its parameters and locals (name → type, in index order) and the code of its body. */
export interface FunctionSpec<P extends Slots, L extends Slots> {
  params: P;
  locals: L;
  /** Emits the body's instructions (the final `end` is added) given each slot's index. */
  body(code: Code, at: LocalIndices<P, L>): void;
}

// Section ids, external kinds and the function type's tag, from the binary format's spec.
const CUSTOM = 0;
const TYPE = 1;
const IMPORT = 2;
const FUNCTION = 3;
const MEMORY = 5;
const EXPORT = 7;
const CODE = 10;
const FUNC_KIND = 0x00;
const MEMORY_KIND = 0x02;
const FUNC_TYPE = 0x60;
const LIMITS_MIN_ONLY = 0x00;
const FUNCTION_NAMES = 1;
const LOCAL_NAMES = 2;

/** A length-prefixed vector of encoded items. */
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A name (length-prefixed; our names are ASCII). */
function encodeName(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

interface BuiltFunction {
  name: string;
  type: number;
  /** Parameter and local names, by index. */
  names: string[];
  /** The body: local declarations, code, `end`. */
  body: number[];
}

/**
 * Builds one module. Call {@link ModuleBuilder.importMemory} or {@link ModuleBuilder.memory}
 * first, then {@link ModuleBuilder.function} once per exported function, then
 * {@link ModuleBuilder.bytes}. Exports come out in the order they were declared.
 */
export class ModuleBuilder {
  private readonly types: number[][] = [];
  private readonly functions: BuiltFunction[] = [];
  private readonly exports: number[][] = [];
  private memoryImport: number[] | undefined;
  private memoryPages: number | undefined;

  /** Imports the memory `module.field` (at least `minPages` pages) as memory 0. */
  importMemory(module: string, field: string, minPages: number): this {
    this.memoryImport = [...encodeName(module), ...encodeName(field), MEMORY_KIND, LIMITS_MIN_ONLY, ...uleb(minPages)];
    return this;
  }

  /** Defines memory 0 with `pages` pages, exported as `exportName`. */
  memory(pages: number, exportName: string): this {
    this.memoryPages = pages;
    this.exports.push([...encodeName(exportName), MEMORY_KIND, 0]);
    return this;
  }

  /** Adds a function exported as `name` (no results); returns its index. */
  function<P extends Slots, L extends Slots>(name: string, spec: FunctionSpec<P, L>): number {
    const params = Object.values(spec.params);
    const locals = Object.values(spec.locals);
    const names = [...Object.keys(spec.params), ...Object.keys(spec.locals)];
    const at = Object.fromEntries(names.map((n, i) => [n, i])) as LocalIndices<P, L>;
    const code = new Code();
    spec.body(code, at);
    // Local declarations: runs of one type, in index order.
    const runs: Array<[number, ValueType]> = [];
    for (const t of locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const index = this.functions.length;
    this.functions.push({
      name,
      type: this.typeIndex([FUNC_TYPE, ...vec(params.map((t) => [t])), ...vec([])]),
      names,
      body: [...vec(runs.map(([count, t]) => [...uleb(count), t])), ...code.c, END],
    });
    this.exports.push([...encodeName(name), FUNC_KIND, ...uleb(index)]);
    return index;
  }

  /** The module's bytes: header, sections in the order the format requires, then `name`. */
  bytes(): Uint8Array {
    const fns = this.functions;
    const out = [...HEADER, ...section(TYPE, vec(this.types))];
    if (this.memoryImport !== undefined) out.push(...section(IMPORT, vec([this.memoryImport])));
    out.push(...section(FUNCTION, vec(fns.map((f) => uleb(f.type)))));
    if (this.memoryPages !== undefined)
      out.push(...section(MEMORY, vec([[LIMITS_MIN_ONLY, ...uleb(this.memoryPages)]])));
    out.push(...section(EXPORT, vec(this.exports)));
    out.push(...section(CODE, vec(fns.map((f) => [...uleb(f.body.length), ...f.body]))));
    out.push(...section(CUSTOM, this.nameSection()));
    return new Uint8Array(out);
  }

  /** The `name` custom section: function names, then each function's parameter and local names. */
  private nameSection(): number[] {
    const fns = this.functions;
    const functionNames = vec(fns.map((f, i) => [...uleb(i), ...encodeName(f.name)]));
    const localNames = vec(
      fns.map((f, i) => [...uleb(i), ...vec(f.names.map((n, j) => [...uleb(j), ...encodeName(n)]))]),
    );
    return [
      ...encodeName("name"),
      ...[FUNCTION_NAMES, ...uleb(functionNames.length), ...functionNames],
      ...[LOCAL_NAMES, ...uleb(localNames.length), ...localNames],
    ];
  }

  private typeIndex(type: number[]): number {
    const key = type.join(",");
    const found = this.types.findIndex((t) => t.join(",") === key);
    if (found >= 0) return found;
    this.types.push(type);
    return this.types.length - 1;
  }
}
