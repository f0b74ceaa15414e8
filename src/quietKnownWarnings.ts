/**
 * restify 11 loads spdy → http-deceiver, which calls `process.binding('http_parser')` and makes Node print a
 * DEP0111 deprecation warning at every start. It is harmless and not ours to fix (restify 12 needs Node 22); every
 * other warning still prints. Import this before anything that loads restify.
 */
const emitWarning = process.emitWarning;
process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
  const options = rest[0];
  const code = typeof options === 'object' && options !== null ? (options as { code?: string }).code : rest[1];
  if (code === 'DEP0111') return;
  return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
} as typeof process.emitWarning;

export {};
