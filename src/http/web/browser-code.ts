// The pages' browser code is TypeScript (src/http/web/browser, type-checked with its own tsconfig and
// linted with the rest). There is no build step: the first request for a script compiles it in memory
// with esbuild (one bundle per page, about 50 ms) and the result is kept for the life of the process.
// esbuild is already what `tsx` runs on; decision 0017 says why this and not a framework or a bundler.
import path from 'node:path';
import { build } from 'esbuild';

export const BROWSER_DIR = path.join(__dirname, 'browser');

/** The pages' scripts, by the name they are served under (`/web/<name>.js`). */
export const ENTRY_POINTS = ['phone', 'console'] as const;
export type EntryPoint = (typeof ENTRY_POINTS)[number];

export type BrowserCode = { script: (name: EntryPoint) => Promise<string> };

export function browserCode(): BrowserCode {
  let compiled: Promise<Record<string, string>> | undefined;
  const compile = async (): Promise<Record<string, string>> => {
    const result = await build({
      entryPoints: ENTRY_POINTS.map((name) => path.join(BROWSER_DIR, `${name}.ts`)),
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      platform: 'browser',
      outdir: 'out',
      logLevel: 'silent',
      // The browser tsconfig is for the type check; esbuild needs none of it.
      tsconfigRaw: {},
    });
    return Object.fromEntries(result.outputFiles.map((f) => [path.basename(f.path, '.js'), f.text]));
  };
  return {
    async script(name) {
      compiled ??= compile().catch((err: unknown) => {
        compiled = undefined; // the next request tries again
        throw err;
      });
      const scripts = await compiled;
      const text = scripts[name];
      if (text === undefined) throw new Error(`no browser script ${name}`);
      return text;
    },
  };
}
