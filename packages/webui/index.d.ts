/** Absolute path of the built UI (index.html + assets/). */
export declare const distDir: string;
/** True when dist/ holds a build of the current sources. */
export declare function isWebUiBuilt(): boolean;
/** Build dist/ if missing or stale (prints one line first through `log`); resolves to distDir. */
export declare function ensureWebUiBuilt(log?: (line: string) => void): Promise<string>;
