import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const TEMPLATE_PATH = join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface Template {
  Resources: Record<string, Resource>;
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A statement with the role (or policy resource) it belongs to. */
export interface OwnedStatement {
  owner: string;
  statement: Statement;
}

/** The packaged template; fails loudly when `npm run test:package` has not produced it. */
export function loadTemplate(): Template {
  if (!existsSync(TEMPLATE_PATH)) {
    throw new Error(
      `${TEMPLATE_PATH} is missing: run \`npm run test:package\` (osls package) before the security checks`,
    );
  }
  return JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Template;
}

export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Every IAM statement in the template: inline role policies and standalone policy resources. */
export function allStatements(template: Template): OwnedStatement[] {
  const out: OwnedStatement[] = [];
  for (const [name, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    const documents: unknown[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const p of asList(props.Policies as { PolicyDocument: unknown }[] | undefined))
        documents.push(p.PolicyDocument);
    }
    if (['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type)) {
      documents.push(props.PolicyDocument);
    }
    for (const doc of documents) {
      for (const statement of asList((doc as { Statement?: Statement | Statement[] }).Statement))
        out.push({ owner: name, statement });
    }
  }
  return out;
}

/** The logical id of the role a function runs as ({"Fn::GetAtt": [Role, "Arn"]}), if it is in the template. */
export function roleOfFunction(fn: Resource): string | undefined {
  const role = fn.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | string | undefined;
  return typeof role === 'object' ? role['Fn::GetAtt']?.[0] : undefined;
}

/** The role's own statements plus those of standalone policies attached to it by Ref. */
export function statementsOfRole(template: Template, role: string): Statement[] {
  return allStatements(template)
    .filter(({ owner }) => {
      if (owner === role) return true;
      const roles = asList(template.Resources[owner]?.Properties?.Roles as unknown[] | undefined);
      return roles.some((r) => (r as { Ref?: string }).Ref === role);
    })
    .map(({ statement }) => statement);
}
