/**
 * AWS partitions with their region-name pattern and the regions they hold, copied from the
 * endpoint partitions table of the AWS SDK for JavaScript v3 (`partitionsInfo` in
 * @aws-sdk/core/client, the SDKs' shared partitions.json; here as of @aws-sdk/core 3.981).
 * A name must match its partition's pattern *and* be listed, so a typo such as `us-east-9` fails at
 * load instead of at the first API call. tests/unit/config/regions.test.ts checks every entry
 * against the installed SDK; add a region here when AWS opens one.
 */
const PARTITIONS: readonly { id: string; pattern: RegExp; regions: readonly string[] }[] = [
  {
    id: 'aws',
    pattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    regions: [
      'af-south-1',
      'ap-east-1',
      'ap-east-2',
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-northeast-3',
      'ap-south-1',
      'ap-south-2',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-6',
      'ap-southeast-7',
      'ca-central-1',
      'ca-west-1',
      'eu-central-1',
      'eu-central-2',
      'eu-north-1',
      'eu-south-1',
      'eu-south-2',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'il-central-1',
      'me-central-1',
      'me-south-1',
      'me-west-1',
      'mx-central-1',
      'sa-east-1',
      'sa-west-1',
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
    ],
  },
  { id: 'aws-cn', pattern: /^cn-\w+-\d+$/, regions: ['cn-north-1', 'cn-northwest-1'] },
  { id: 'aws-eusc', pattern: /^eusc-(de)-\w+-\d+$/, regions: ['eusc-de-east-1'] },
  { id: 'aws-iso', pattern: /^us-iso-\w+-\d+$/, regions: ['us-iso-east-1', 'us-iso-west-1'] },
  { id: 'aws-iso-b', pattern: /^us-isob-\w+-\d+$/, regions: ['us-isob-east-1', 'us-isob-west-1'] },
  { id: 'aws-iso-e', pattern: /^eu-isoe-\w+-\d+$/, regions: ['eu-isoe-west-1'] },
  { id: 'aws-iso-f', pattern: /^us-isof-\w+-\d+$/, regions: ['us-isof-east-1', 'us-isof-south-1'] },
  { id: 'aws-us-gov', pattern: /^us-gov-\w+-\d+$/, regions: ['us-gov-east-1', 'us-gov-west-1'] },
];

/** Every region name lifeboat accepts, with its partition id. */
export const KNOWN_REGIONS: ReadonlyMap<string, string> = new Map(
  PARTITIONS.flatMap((p) => p.regions.filter((r) => p.pattern.test(r)).map((r) => [r, p.id] as const)),
);

/** Whether `name` has the shape of a region name in some AWS partition (known or not). */
export function looksLikeRegion(name: string): boolean {
  return PARTITIONS.some((p) => p.pattern.test(name));
}

/** The partition (`aws`, `aws-cn`, `aws-us-gov`, ...) of a known region, else undefined. */
export function partitionOf(region: string): string | undefined {
  return KNOWN_REGIONS.get(region);
}
