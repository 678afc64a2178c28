// podfit WASM kernels (AssemblyScript). The host owns the memory; exports take numbers only.
// Kernels are added by the WASM hot-path work (issue 3); this export checks the toolchain.

/** Returns the kernel ABI version; called once at load to check host and module agree. */
export function abi_version(): i32 {
  return 1;
}
