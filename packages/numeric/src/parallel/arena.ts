/**
 * The arena: one shared WebAssembly memory per process in which every large array of a
 * computation lives (the per-sample stacks, the pair-sum tiles, the adjoints), so that the
 * SIMD kernels read them without copies and worker threads (threads.ts) see the same bytes.
 *
 * Allocation is a bump pointer with stack discipline (`arenaMark` / `arenaRelease`): a
 * computation marks, allocates what its plan says, and releases on the way out. Memory grows
 * on demand up to the wasm32 ceiling (ARENA_MAX_BYTES) and is never returned to the system
 * (WebAssembly memories cannot shrink), so a process keeps its largest computation's footprint;
 * the memory model (costModel.ts) counts it before any work starts.
 *
 * Views taken before a grow stay valid: a shared memory's backing store is reserved once at its
 * maximum and never moves, only `memory.buffer` is replaced by a longer SharedArrayBuffer.
 * Without WebAssembly (or SharedArrayBuffer) the arena degrades to ordinary allocations and
 * everything runs single-threaded on the JavaScript kernels.
 */

/** WebAssembly's page size. */
export const PAGE_BYTES = 65536;
/** The wasm32 address space minus one page: the most the arena (and so one problem's stacks) can hold. */
export const ARENA_MAX_BYTES = 65535 * PAGE_BYTES;
const MAX_PAGES = 65535;

/** The slice of the WebAssembly JS API used here (the repository's lib set has no DOM or wasm types). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
export const WASM_API = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Threads the arena reserves kernel scratch for (threads.ts never starts more). */
export const MAX_THREADS = 32;
/** Per-thread scratch for the gemm's packed panels (K <= 512 rows of 4 doubles: 16 KiB, twice that reserved). */
export const KERNEL_SCRATCH_BYTES = 32 * 1024;
/** The reserved prefix of the memory: one kernel scratch per thread, then the bump allocator. */
const RESERVED_BYTES = MAX_THREADS * KERNEL_SCRATCH_BYTES;

let memory: WasmMemory | null = null;
let memoryUnavailable: string | null = null;
/** Bytes in use (16-byte aligned), starting after the reserved kernel scratch. */
let top = RESERVED_BYTES;
/** This thread's index (0 on the main thread; workers set theirs) and whether it may allocate. */
let threadIndex = 0;
let isWorker = false;
/** Every SharedArrayBuffer the memory has handed out: a view belongs to the arena iff its buffer is here. */
const buffers = new WeakSet<ArrayBufferLike>();
/** The most recent buffer (the common case of isArenaView, without a WeakSet lookup). */
let lastBuffer: ArrayBufferLike | null = null;

function createMemory(): WasmMemory | null {
  if (memory !== null || memoryUnavailable !== null) return memory;
  if (WASM_API === undefined || typeof SharedArrayBuffer === 'undefined') {
    memoryUnavailable = 'no WebAssembly shared memory in this runtime';
    return null;
  }
  try {
    memory = new WASM_API.Memory({ initial: Math.max(16, Math.ceil((RESERVED_BYTES + 65536) / PAGE_BYTES)), maximum: MAX_PAGES, shared: true });
  } catch (error) {
    memoryUnavailable = `shared WebAssembly memory refused: ${(error as Error).message}`;
    return null;
  }
  buffers.add(memory.buffer);
  return memory;
}

/** The process's shared memory, or null when the runtime has none (then arenaAlloc returns plain arrays). */
export function arenaMemory(): WasmMemory | null {
  return createMemory();
}

/** Why there is no shared memory (null when there is one). */
export function arenaUnavailableReason(): string | null {
  createMemory();
  return memoryUnavailable;
}

/**
 * In a worker thread: use the main thread's memory instead of creating one. A worker never
 * allocates (its bump pointer would not know the main thread's), it only works on regions the
 * job names and on its own kernel scratch.
 */
export function adoptArenaMemory(shared: WasmMemory, index: number): void {
  memory = shared;
  buffers.add(shared.buffer);
  threadIndex = index;
  isWorker = true;
}

/** Byte offset of this thread's kernel scratch (KERNEL_SCRATCH_BYTES long). */
export function kernelScratch(): number {
  return threadIndex * KERNEL_SCRATCH_BYTES;
}

/** The memory's current buffer (longer after a grow; earlier views stay valid). */
export function arenaBuffer(): ArrayBufferLike {
  const m = createMemory();
  if (m === null) throw new Error('arena: no shared memory');
  const b = m.buffer;
  if (b !== lastBuffer) {
    buffers.add(b);
    lastBuffer = b;
  }
  return b;
}

/** True when `a` is a view on the arena, so kernels can pass its byte offset to wasm directly. */
export function isArenaView(a: Float64Array): boolean {
  const b = a.buffer;
  return b === lastBuffer || buffers.has(b);
}

/** Current allocation mark (bytes). */
export function arenaMark(): number {
  return top;
}

/** Free everything allocated after `mark`. */
export function arenaRelease(mark: number): void {
  if (mark > top) throw new Error(`arena: release to ${mark} above the top ${top}`);
  top = mark;
}

/** Bytes currently allocated. */
export function arenaInUse(): number {
  return top;
}

function ensure(bytes: number): void {
  const m = memory!;
  const have = m.buffer.byteLength;
  if (bytes <= have) return;
  if (bytes > ARENA_MAX_BYTES) throw new RangeError(`arena: ${bytes} bytes requested, above the WebAssembly address space (${ARENA_MAX_BYTES} bytes)`);
  m.grow(Math.ceil((bytes - have) / PAGE_BYTES));
  buffers.add(m.buffer);
  lastBuffer = m.buffer;
}

/**
 * n doubles in the arena (zero-filled unless `zero` is false: then whatever an earlier
 * computation left there), or a plain Float64Array when there is no shared memory.
 * Valid until the enclosing mark is released.
 */
export function arenaAlloc(n: number, zero = true): Float64Array {
  if (createMemory() === null) return new Float64Array(n);
  if (isWorker) throw new Error('arena: a worker thread cannot allocate (jobs get their regions from the caller)');
  const offset = top;
  const bytes = Math.ceil((n * 8) / 16) * 16;
  ensure(offset + bytes);
  top = offset + bytes;
  const view = new Float64Array(memory!.buffer, offset, n);
  if (zero) view.fill(0);
  return view;
}

/** A view of `length` doubles at byte `offset` of the arena (for worker threads given a layout). */
export function arenaView(offset: number, length: number): Float64Array {
  return new Float64Array(arenaBuffer(), offset, length);
}

/** Run `body` with everything it allocates in the arena released afterwards (also on throw). */
export function withArena<T>(body: () => T): T {
  const mark = arenaMark();
  try {
    return body();
  } finally {
    arenaRelease(mark);
  }
}
