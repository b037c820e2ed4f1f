import { partition } from '@aws-sdk/core/client';
import { KNOWN_REGIONS, looksLikeRegion, partitionOf } from '../../../lib/config/regions';

describe('known AWS regions', () => {
  it('lists only regions the installed AWS SDK knows, each in the SDK’s partition', () => {
    const differing = [...KNOWN_REGIONS].filter(([region, id]) => {
      const sdk = partition(region) as { name: string; description?: string };
      // The SDK adds a description only to the regions its partitions table lists by name.
      return sdk.description === undefined || sdk.name !== id;
    });
    expect(differing).toEqual([]);
    expect(KNOWN_REGIONS.size).toBeGreaterThan(30);
  });

  it('tells a region-shaped name from an unknown region', () => {
    expect(looksLikeRegion('us-east-9')).toBe(true);
    expect(partitionOf('us-east-9')).toBeUndefined();
    expect(looksLikeRegion('mars-1')).toBe(false);
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
  });
});
