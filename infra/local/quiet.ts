/**
 * The AWS SDK warns once that it will need Node 22 from 2027; Lambda runs Node 22 already and the
 * local cloud supports Node 20, so that one notice is dropped from the console. Every other
 * warning still prints.
 */
export function quietNodeVersionNotice(): void {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('NodeVersionSupportWarning')) return;
    (emit as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
