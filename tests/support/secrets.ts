import { readFileSync } from 'node:fs';

/** The emulator's local secrets (functions/.secret.local, written by the scripts), to sign test webhooks. */
export function localSecret(name: string): string {
  const line = readFileSync('functions/.secret.local', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`${name} is not in functions/.secret.local`);
  return line.slice(name.length + 1);
}
