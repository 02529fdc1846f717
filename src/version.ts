// The one place the version is written; package.json carries the same number.
export const VERSION = '1.0.0';
