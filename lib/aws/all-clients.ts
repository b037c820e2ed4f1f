import { AwsClients } from './clients';
import { cloudwatchClient } from './cloudwatch';
import { ec2Client } from './ec2';
import { ecsClient } from './ecs';
import { rdsClient } from './rds';
import { route53Client } from './route53';
import { s3Client } from './s3';
import { sfnClient } from './sfn';
import { snsClient } from './sns';
import { sqsClient } from './sqs';
import { ssmClient } from './ssm';

/**
 * AwsClients with a method per service, for the tools that run outside Lambda (CLI, demo,
 * benchmarks, tests), where carrying every SDK client costs nothing. Lambda code uses the
 * per-service accessors of lib/aws/<service>.ts instead.
 */
export class AllAwsClients extends AwsClients {
  ec2(region: string) {
    return ec2Client(this, region);
  }

  ecs(region: string) {
    return ecsClient(this, region);
  }

  rds(region: string) {
    return rdsClient(this, region);
  }

  cloudwatch(region: string) {
    return cloudwatchClient(this, region);
  }

  route53() {
    return route53Client(this);
  }

  s3(region?: string) {
    return s3Client(this, region);
  }

  sfn(region?: string) {
    return sfnClient(this, region);
  }

  sns(region?: string) {
    return snsClient(this, region);
  }

  ssm(region?: string) {
    return ssmClient(this, region);
  }

  /** Retention's continuations (lib/aws/sqs.ts); tests also read SNS notifications through a queue. */
  sqs(region?: string) {
    return sqsClient(this, region);
  }
}
