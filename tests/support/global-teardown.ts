export default async function globalTeardown(): Promise<void> {
  for (const s of globalThis.__cp2Services ?? []) await s.stop();
}
