import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const devDependencies = Object.keys(
  (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    }
  ).devDependencies,
);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports, static or dynamic, as written. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)'([^']+)'/g)].map((m) => m[1]);
  return specifiers.filter((s): s is string => s !== undefined);
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = relative(root, resolve(root, dirname(file), specifier));
  return target === folder || target.startsWith(`${folder}/`);
}

const product = [...sourceFiles('lib'), ...sourceFiles('functions')];

describe('the direction of imports', () => {
  it('sees the product code', () => {
    expect(product.length).toBeGreaterThan(50);
    expect(product).toContain('lib/aws/ec2.ts');
  });

  it.each(product)('%s imports nothing from the local tooling, tests or scripts', (file) => {
    const wrong = importsOf(file).filter((s) =>
      ['local', 'tests', 'scripts'].some((f) => resolvesInto(file, s, f)),
    );
    expect(wrong).toEqual([]);
  });

  it.each(product)('%s imports no devDependency', (file) => {
    const wrong = importsOf(file).filter((s) =>
      devDependencies.some((d) => s === d || s.startsWith(`${d}/`)),
    );
    expect(wrong).toEqual([]);
  });

  it.each(product.filter((f) => !f.startsWith('lib/aws/')))(
    '%s does not import @aws-sdk (only lib/aws/ does)',
    (file) => {
      expect(importsOf(file).filter((s) => s.startsWith('@aws-sdk/'))).toEqual([]);
    },
  );
});
