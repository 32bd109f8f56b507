export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_MISSING: string;
export declare function chromiumPath(): string;
export declare const CHROMIUM_ARGS: string[];
export declare const TEST_LOCALE: string;
