import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** IAM prefix of each SDK client package lifeboat uses. */
const IAM_PREFIX: Record<string, string> = {
  'client-ebs': 'ebs',
  'client-ec2': 'ec2',
  'client-ecs': 'ecs',
  'client-rds': 'rds',
  'client-route-53': 'route53',
  'client-s3': 's3',
  'client-sfn': 'states',
  'client-sns': 'sns',
  'client-sqs': 'sqs',
  'client-ssm': 'ssm',
  'client-cloudwatch': 'cloudwatch',
  'client-service-quotas': 'servicequotas',
  'client-eventbridge': 'events',
};

/** S3 commands whose IAM action has another name. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html */
const S3_ACTIONS: Record<string, string[]> = {
  ListObjectsV2: ['ListBucket'],
  ListObjects: ['ListBucket'],
  HeadObject: ['GetObject'],
  HeadBucket: ['ListBucket'],
  CopyObject: ['GetObject', 'PutObject'],
};

/**
 * Actions a call needs besides its own: tag-on-create (ec2:CreateTags, rds:AddTagsToResource,
 * ecs:TagResource), passing the task roles to ECS, and KMS for encrypted copies and SecureStrings.
 */
const IMPLIED: Record<string, string[]> = {
  'ec2:CreateSnapshot': ['ec2:CreateTags'],
  'ec2:CreateSnapshots': ['ec2:CreateTags'],
  'ec2:CopySnapshot': [
    'ec2:CreateTags',
    'kms:CreateGrant',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
  ],
  'rds:CreateDBSnapshot': ['rds:AddTagsToResource'],
  'rds:CreateDBClusterSnapshot': ['rds:AddTagsToResource'],
  'rds:CopyDBSnapshot': ['rds:AddTagsToResource', 'kms:CreateGrant', 'kms:DescribeKey'],
  'rds:CopyDBClusterSnapshot': ['rds:AddTagsToResource', 'kms:CreateGrant', 'kms:DescribeKey'],
  // Restores tag at creation; a delete with a final snapshot takes that snapshot.
  'rds:RestoreDBInstanceFromDBSnapshot': ['rds:AddTagsToResource'],
  'rds:RestoreDBClusterFromSnapshot': ['rds:AddTagsToResource'],
  'rds:RestoreDBInstanceToPointInTime': ['rds:AddTagsToResource'],
  'rds:RestoreDBClusterToPointInTime': ['rds:AddTagsToResource'],
  'rds:CreateDBInstance': ['rds:AddTagsToResource'],
  'rds:DeleteDBInstance': ['rds:CreateDBSnapshot'],
  'rds:DeleteDBCluster': ['rds:CreateDBClusterSnapshot'],
  'ecs:RunTask': ['ecs:TagResource', 'iam:PassRole'],
  'ssm:GetParameter': ['kms:Decrypt'],
  'ssm:GetParameters': ['kms:Decrypt'],
  's3:PutObject': ['kms:GenerateDataKey', 'kms:Decrypt'],
  's3:GetObject': ['kms:Decrypt'],
};

/**
 * Powertools utilities that call AWS on the code's behalf, with the IAM actions of the calls they
 * make: `new SSMProvider(...)` then `.get(name)` is SSM GetParameter.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/#iam-permissions
 */
const POWERTOOLS_PROVIDERS: Record<string, { module: string; actions: string[] }> = {
  SSMProvider: { module: '@aws-lambda-powertools/parameters/ssm', actions: ['ssm:GetParameter'] },
};

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g;
const SDK_IMPORT = /import\s*\{([^}]*)\}\s*from\s*['"]@aws-sdk\/(client-[a-z0-9-]+)['"]/g;

function resolveModule(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  return undefined;
}

/** The project's own source files reachable from `entry` through relative imports. */
export function importGraph(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(IMPORT)) {
      const spec = match[1] ?? '';
      if (!spec.startsWith('.')) continue;
      const target = resolveModule(file, spec);
      if (target !== undefined) queue.push(target);
    }
  }
  return [...seen].sort();
}

/** IAM actions of the SDK commands and paginators a file uses (`new XCommand(`, `paginateX(`). */
export function actionsInFile(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const actions: string[] = [];
  for (const match of source.matchAll(SDK_IMPORT)) {
    const prefix = IAM_PREFIX[match[2] ?? ''];
    if (prefix === undefined) continue;
    const names = (match[1] ?? '').split(',').map(
      (n) =>
        n
          .replace(/^\s*type\s+/, '')
          .trim()
          .split(/\s+as\s+/)[0] ?? '',
    );
    for (const name of names) {
      const command = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
      if (command === undefined) continue;
      const used = new RegExp(`\\b(new\\s+${name}\\s*\\(|${name}\\s*\\()`).test(source);
      if (!used) continue;
      const iamNames = prefix === 's3' ? (S3_ACTIONS[command] ?? [command]) : [command];
      for (const iam of iamNames) actions.push(`${prefix}:${iam}`);
    }
  }
  for (const [name, provider] of Object.entries(POWERTOOLS_PROVIDERS)) {
    const imported = new RegExp(
      `import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*['"]${provider.module}['"]`,
    );
    if (imported.test(source) && new RegExp(`new\\s+${name}\\s*\\(`).test(source))
      actions.push(...provider.actions);
  }
  return actions;
}

/** What a function's code can call: its SDK actions plus what those calls imply. */
export function derivedActions(entry: string): { direct: Set<string>; allowed: Set<string> } {
  const direct = new Set(importGraph(entry).flatMap(actionsInFile));
  const allowed = new Set(direct);
  for (const action of direct) for (const implied of IMPLIED[action] ?? []) allowed.add(implied);
  return { direct, allowed };
}
