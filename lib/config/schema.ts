import { z } from 'zod';
import { KNOWN_REGIONS, looksLikeRegion, partitionOf } from './regions';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'a lowercase name of 2-32 letters, digits and hyphens');
const region = z
  .string()
  .refine(looksLikeRegion, { message: 'an AWS region such as us-east-1', abort: true })
  .refine((r) => KNOWN_REGIONS.has(r), {
    error: (issue) => `an AWS region such as us-east-1 ("${String(issue.input)}" is not one)`,
  });
/** Unknown regions are reported by `region` itself. */
function samePartition(primary: string, dr: string): boolean {
  const [a, b] = [partitionOf(primary), partitionOf(dr)];
  return a === undefined || b === undefined || a === b;
}
const dnsName = z
  .string()
  .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\.?$/i, 'a DNS name such as www.example.com')
  .transform((s) => s.toLowerCase().replace(/\.$/, ''));
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'an IPv4 CIDR such as 203.0.113.0/24');
const cron = z
  .string()
  .regex(/^(cron|rate)\(.+\)$/, 'an EventBridge schedule expression, cron(...) or rate(...)');
const count = z.number().int().min(0).max(1000);
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN');

const volumeSelector = z
  .object({
    ids: z
      .array(z.string().regex(/^vol-[0-9a-f]+$/, 'an EBS volume id (vol-...)'))
      .min(1)
      .optional(),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((v) => v.ids !== undefined || (v.tags !== undefined && Object.keys(v.tags).length > 0), {
    message: 'give volume ids or at least one tag to select the volumes by',
  });

/** What a recovery does with the database (site config `recovery.database`, execution option `database`). */
export const databaseModeSchema = z.enum(['keep', 'snapshot', 'point-in-time'], {
  error: 'keep, snapshot or point-in-time',
});
export type DatabaseMode = z.infer<typeof databaseModeSchema>;

const database = z.union([
  z.object({ instance: z.string().min(1) }).strict(),
  z.object({ cluster: z.string().min(1) }).strict(),
]);

/** IOPS ranges per EBS volume type (ECS passes them to CreateVolume); other types take none. */
const IOPS_RANGE: Record<string, [number, number] | undefined> = {
  gp3: [3000, 16000],
  io1: [100, 64000],
  io2: [100, 256000],
};

function volumeIopsFitsType(
  run: { volumeType: string; volumeIops?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  const range = IOPS_RANGE[run.volumeType];
  const path = ['volumeIops'];
  if (run.volumeIops === undefined) {
    if (run.volumeType === 'io1' || run.volumeType === 'io2') {
      ctx.addIssue({ code: 'custom', path, message: `required for ${run.volumeType} volumes` });
    }
  } else if (range === undefined) {
    ctx.addIssue({ code: 'custom', path, message: `${run.volumeType} volumes take no IOPS setting` });
  } else if (run.volumeIops < range[0] || run.volumeIops > range[1]) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `${run.volumeType} volumes take ${range[0]}-${range[1]} IOPS`,
    });
  }
}

/**
 * Backups that cannot be destroyed (what AWS Backup Vault Lock gives its users). `snapshotLock`
 * locks each EBS DR copy once it completes, for `days` (compliance: nobody can delete it before,
 * not even the account root; governance: only with ec2:UnlockSnapshot). `recycleBin` makes the
 * stack create a Recycle Bin rule that keeps the site's deleted EBS snapshots for `retentionDays`.
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-snapshot-lock.html
 * https://docs.aws.amazon.com/ebs/latest/userguide/recycle-bin.html
 */
const protection = z
  .object({
    snapshotLock: z
      .object({
        mode: z.enum(['governance', 'compliance']),
        days: z.number().int().min(1).max(36500),
        /** Compliance mode only: hours during which the lock can still be undone (1-72). */
        coolOffHours: z.number().int().min(1).max(72).optional(),
      })
      .strict()
      .refine((l) => l.mode === 'compliance' || l.coolOffHours === undefined, {
        message: 'only a compliance-mode lock takes a cooling-off period',
        path: ['coolOffHours'],
      })
      .optional(),
    recycleBin: z
      .object({ retentionDays: z.number().int().min(1).max(365) })
      .strict()
      .optional(),
  })
  .strict();

/** One protected site: what to back up, how it runs, how it is reached and how long to keep backups. */
export const siteSchema = z
  .object({
    name,
    regions: z.object({ primary: region, dr: region }).strict(),
    protect: z
      .object({
        volumes: volumeSelector,
        database: database.optional(),
        /** KMS key in the DR region for copies of encrypted snapshots (id, alias or ARN). */
        drKmsKeyId: z.string().min(1).optional(),
        /** Source tags copied onto the snapshots (besides lifeboat's own). */
        keepTags: z.array(z.string()).default(['Name']),
      })
      .strict(),
    run: z
      .object({
        cluster: z.string().min(1),
        taskDefinition: z.string().min(1),
        containerName: z.string().min(1),
        // Required: the health probe and the DNS record reach the task on this port.
        containerPort: z.number().int().min(1).max(65535),
        volumeName: z.string().min(1),
        // Fargate tasks take no magnetic (standard) volumes; io1/io2 need their IOPS given.
        // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskManagedEBSVolumeConfiguration.html
        volumeType: z.enum(['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1']).default('gp3'),
        /** Provisioned IOPS of the task volume: required for io1/io2, optional for gp3, refused otherwise. */
        volumeIops: z.number().int().min(100).max(256000).optional(),
        /**
         * The file system on the snapshots' volume. ECS mounts a volume made from a snapshot with it and
         * assumes xfs when none is given, so a task from an ext4 snapshot fails to start without it.
         */
        volumeFilesystemType: z.enum(['xfs', 'ext3', 'ext4', 'ntfs'], {
          error: 'the file system of the volume the snapshots are taken of: xfs, ext3, ext4 or ntfs',
        }),
        /**
         * MiB/s at which EBS fills a restored volume from its snapshot (100-300); without it blocks are
         * loaded lazily from S3 on first read, so the first requests of a recovered site are slow.
         * https://docs.aws.amazon.com/ebs/latest/userguide/initalize-volume.html
         */
        volumeInitializationRateMiBps: z.number().int().min(100).max(300).optional(),
        subnets: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet id (subnet-...)')).min(1),
        securityGroups: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id (sg-...)')).min(1),
        // Required: a wrong guess leaves the task unreachable (private subnets) or public by accident.
        assignPublicIp: z.boolean(),
        /** IAM role ECS uses to create the task's EBS volume from a snapshot. */
        infrastructureRoleArn: roleArn,
        /**
         * The task definition's task role and execution role, when it has them: RunTask passes them to
         * ECS, and lifeboat's IAM may pass only the roles named here (config/serverless-sites.js).
         */
        taskRoleArn: roleArn.optional(),
        executionRoleArn: roleArn.optional(),
      })
      .strict()
      .superRefine(volumeIopsFitsType),
    dns: z
      .object({
        hostedZoneId: z.string().regex(/^[A-Z0-9]+$/, 'a Route 53 hosted zone id such as Z0123456789ABC'),
        recordName: dnsName,
        ttl: z.number().int().min(0).max(86400).default(60),
      })
      .strict(),
    health: z
      .object({
        // Required: the gate probes the task's address without following redirects, so `/` of a
        // site that redirects to its canonical name (WordPress does) would never pass.
        path: z.string().startsWith('/'),
        expectedStatus: z.number().int().min(100).max(599).default(200),
        timeoutSeconds: z.number().int().min(1).max(60).default(5),
        deadlineSeconds: z.number().int().min(10).max(3600).default(300),
        /** How many healthy answers in a row pass the gate. */
        healthyThreshold: z.number().int().min(1).max(10).default(2),
      })
      .strict(),
    sandbox: z
      .object({
        recordName: dnsName,
        allowedCidr: cidr,
        securityGroups: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id (sg-...)')).min(1),
        /**
         * Security groups of the sandbox's own database, restored from the broken-state DB snapshot
         * (they must admit the database port from the sandbox's groups only). Without them the
         * sandbox runs against the database its task definition names.
         */
        databaseSecurityGroups: z
          .array(z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id (sg-...)'))
          .min(1)
          .optional(),
      })
      .strict(),
    triggers: z
      .object({
        pingdom: z
          .object({
            checkIds: z.array(z.number().int().positive()).default([]),
            checkNames: z.array(z.string().min(1)).default([]),
          })
          .strict()
          .optional(),
        cloudwatchAlarms: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ cloudwatchAlarms: [] }),
    schedule: z
      .object({
        backup: cron.default('cron(0 2 * * ? *)'),
        drill: cron.default('cron(0 4 ? * SUN *)'),
      })
      .strict()
      .default({ backup: 'cron(0 2 * * ? *)', drill: 'cron(0 4 ? * SUN *)' }),
    retention: z
      .object({ daily: count.default(7), weekly: count.default(4), monthly: count.default(6) })
      .strict()
      .default({ daily: 7, weekly: 4, monthly: 6 }),
    protection: protection.default({}),
    recovery: z
      .object({
        /** How many older backups to try after the first known-good one fails the health gate. */
        maxWalkBack: z.number().int().min(0).max(10).default(2),
        /**
         * What the replacement runs against: `keep` the live database, the known-good backup's DB
         * `snapshot`, or an RDS `point-in-time` restore to just before the outage (the snapshot when
         * the restore window does not reach back that far; walk-back always uses each backup's snapshot).
         */
        database: databaseModeSchema.default('keep'),
        /** How long before the outage's first failing probe a point-in-time restore aims. */
        pointInTimeMarginSeconds: z.number().int().min(0).max(86400).default(300),
        /** The container environment variable that names the database host (overridden per task). */
        databaseHostVariable: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as WORDPRESS_DB_HOST')
          .default('WORDPRESS_DB_HOST'),
        /** DB instance class of the restored database (default: the source's). */
        databaseInstanceClass: z
          .string()
          .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'a DB instance class such as db.t3.micro')
          .optional(),
        restoreDatabase: z.unknown().optional(),
      })
      .strict()
      .superRefine((recovery, ctx) => {
        if (recovery.restoreDatabase !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['restoreDatabase'],
            message:
              'replaced by recovery.database: keep | snapshot | point-in-time (restoreDatabase: true is database: snapshot)',
          });
        }
      })
      .transform(({ restoreDatabase: _old, ...recovery }) => recovery)
      .default({
        maxWalkBack: 2,
        database: 'keep',
        pointInTimeMarginSeconds: 300,
        databaseHostVariable: 'WORDPRESS_DB_HOST',
      }),
  })
  .strict()
  .refine((s) => s.recovery.database === 'keep' || s.protect.database !== undefined, {
    message: 'a database restore needs protect.database (the database the backups snapshot)',
    path: ['recovery', 'database'],
  })

  .refine((s) => s.regions.primary !== s.regions.dr, {
    message: 'the DR region must differ from the primary region',
    path: ['regions', 'dr'],
  })
  // Snapshots cannot be copied across partitions (aws, aws-cn, aws-us-gov, ...).
  .refine(({ regions }) => samePartition(regions.primary, regions.dr), {
    error: (issue) => {
      const { primary, dr } = (issue.input as { regions: { primary: string; dr: string } }).regions;
      return `the DR region must be in the partition of the primary region (${dr} is in ${partitionOf(dr)}, ${primary} in ${partitionOf(primary)})`;
    },
    path: ['regions', 'dr'],
  });

/** Hours a restored database may run before the cost guard alarms, when the config says nothing. */
export const DEFAULT_RESTORED_DATABASE_MAX_AGE_HOURS = 24;

/**
 * The cost guard, fleet-wide: a database a recovery, promote or drill restored that is still
 * running after `restoredDatabaseMaxAgeHours` raises the restored-databases alarm.
 */
const costGuard = z
  .object({
    restoredDatabaseMaxAgeHours: z
      .number({ error: 'a number of hours such as 24' })
      .int('a whole number of hours such as 24')
      .min(1, 'at least 1 hour (a recovery runs against its restored database for a while)')
      .max(720, 'at most 720 hours (30 days)')
      .default(DEFAULT_RESTORED_DATABASE_MAX_AGE_HOURS),
  })
  .strict();

export const configSchema = z
  .object({
    sites: z.array(siteSchema).min(1, 'at least one site is required'),
    // Optional in the type, so a config built in code needs none (costGuardOf gives the defaults).
    costGuard: costGuard.optional(),
  })
  .strict();

export type Site = z.infer<typeof siteSchema>;
export type LifeboatConfig = z.infer<typeof configSchema>;
export type CostGuardSettings = z.infer<typeof costGuard>;

/** The config's cost guard settings, defaults filled in. */
export function costGuardOf(config: Pick<LifeboatConfig, 'costGuard'>): CostGuardSettings {
  return {
    restoredDatabaseMaxAgeHours:
      config.costGuard?.restoredDatabaseMaxAgeHours ?? DEFAULT_RESTORED_DATABASE_MAX_AGE_HOURS,
  };
}
