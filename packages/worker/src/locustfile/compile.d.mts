/** compile.mjs: a locustfile module compiled to an ES module with an inline source map, cached on disk. */
export function compileModule(path: string, source: string): Promise<string>;
/** As compileModule, synchronously (for in-thread module hooks). */
export function compileModuleSync(path: string, source: string): string;
/** The cache folder in use, or null when none can be written. */
export function compileCacheDir(): string | null;
