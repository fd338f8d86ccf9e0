export const SOURCE_DIRS: string[];
export const CONFIG_FILES: string[];
/** sha256 over the sorted source paths and their contents, as hex. */
export function sourceHash(root: string): string;
