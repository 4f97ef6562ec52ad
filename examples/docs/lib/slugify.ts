// A helper for examples/docs/hook-file.ts (in a project: plinth_hooks/lib/slugify.ts).
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
