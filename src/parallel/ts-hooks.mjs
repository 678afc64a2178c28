// Module hooks for running podfit's TypeScript sources in a worker thread (tests run from src/;
// Node 20 cannot load .ts itself). Relative `.js` imports made by a `.ts` module resolve to the
// `.ts` file beside it, and `.ts` files are transpiled (types erased, nothing checked): with oxc
// (vitest's own transpiler, through rolldown) when it is installed, a worker then starts in about
// half a second; otherwise with the TypeScript compiler podfit builds with (several seconds). The
// compiled CLI never uses this (dist/ is plain JS).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let transpile;

async function transpiler() {
  try {
    const { transformSync } = await import('rolldown/utils');
    return (file, source) => transformSync(file, source, {}).code;
  } catch {
    const ts = (await import('typescript')).default;
    const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false };
    return (file, source) => ts.transpileModule(source, { fileName: file, compilerOptions }).outputText;
  }
}

export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) {
      const tsUrl = new URL(url.href.slice(0, -3) + '.ts');
      if (existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  transpile ??= await transpiler();
  const file = fileURLToPath(url);
  return { format: 'module', source: transpile(file, readFileSync(file, 'utf8')), shortCircuit: true };
}
