import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { AwsSimulation } from '../../../../local/sdk-middleware/aws-simulation';

/** A stand-in for the AWS endpoint: answers EC2/RDS query calls with minimal valid XML and counts them. */
export class CannedAws {
  readonly received: string[] = [];
  private counter = 0;

  readonly requestHandler = {
    handle: async (request: { body?: unknown }) => {
      const params = new URLSearchParams(String(request.body ?? ''));
      const action = params.get('Action') ?? 'Unknown';
      this.received.push(action);
      this.counter += 1;
      return {
        response: {
          statusCode: 200,
          headers: { 'content-type': 'text/xml' },
          body: new TextEncoder().encode(this.answer(action, params)),
        },
      };
    },
  };

  ec2(sim: AwsSimulation, region = 'us-east-1', maxAttempts = 1): EC2Client {
    const client = new EC2Client({ ...this.config(region, maxAttempts) });
    sim.decorate(client, 'ec2', region);
    return client;
  }

  rds(sim: AwsSimulation, region = 'us-west-2', maxAttempts = 1): RDSClient {
    const client = new RDSClient({ ...this.config(region, maxAttempts) });
    sim.decorate(client, 'rds', region);
    return client;
  }

  private config(region: string, maxAttempts: number) {
    return {
      region,
      maxAttempts,
      endpoint: 'http://aws.invalid',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: this.requestHandler,
    };
  }

  private answer(action: string, params: URLSearchParams): string {
    const id = `snap-${this.counter.toString(16).padStart(8, '0')}`;
    switch (action) {
      case 'CreateSnapshot':
        return `<CreateSnapshotResponse><requestId>r</requestId><snapshotId>${id}</snapshotId><volumeId>${params.get('VolumeId')}</volumeId><status>completed</status></CreateSnapshotResponse>`;
      case 'CopySnapshot':
        return `<CopySnapshotResponse><requestId>r</requestId><snapshotId>${id}</snapshotId></CopySnapshotResponse>`;
      case 'DescribeSnapshots':
        return `<DescribeSnapshotsResponse><requestId>r</requestId><snapshotSet>${(params.getAll(
          'SnapshotId.1',
        ).length > 0
          ? [params.get('SnapshotId.1')]
          : []
        )
          .map(
            (s) =>
              `<item><snapshotId>${s}</snapshotId><status>completed</status><progress>100%</progress></item>`,
          )
          .join('')}</snapshotSet></DescribeSnapshotsResponse>`;
      case 'DescribeVolumes':
        return '<DescribeVolumesResponse><requestId>r</requestId><volumeSet/></DescribeVolumesResponse>';
      case 'CopyDBSnapshot':
        return `<CopyDBSnapshotResponse><CopyDBSnapshotResult><DBSnapshot><DBSnapshotIdentifier>${params.get('TargetDBSnapshotIdentifier')}</DBSnapshotIdentifier><Status>available</Status></DBSnapshot></CopyDBSnapshotResult></CopyDBSnapshotResponse>`;
      default:
        return `<${action}Response/>`;
    }
  }
}
