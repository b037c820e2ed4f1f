import { cachedSecret, tokenMatches } from '../../../lib/triggers/token';
import { FakeClock } from '../../support/fake-clock';

describe('tokenMatches', () => {
  it.each([
    ['the same token', 's3cret-token', 's3cret-token', true],
    ['another token of the same length', 's3cret-tokeN', 's3cret-token', false],
    ['a prefix of the token', 's3cret', 's3cret-token', false],
    ['a longer token', 's3cret-token-and-more', 's3cret-token', false],
    ['an empty token', '', 's3cret-token', false],
    ['no token', undefined, 's3cret-token', false],
    ['anything, when the expected token is empty', '', '', false],
  ])('%s → %s', (_name, presented, expected, matches) => {
    expect(tokenMatches(presented, expected)).toBe(matches);
  });
});

describe('cachedSecret', () => {
  it('reads once per TTL, shares a read among concurrent callers and re-reads after the TTL', async () => {
    const clock = new FakeClock();
    let reads = 0;
    const secret = cachedSecret(async () => `token-${++reads}`, clock, 60_000);

    const concurrent = await Promise.all([secret(), secret(), secret()]);
    clock.advance(59_000);
    const cached = await secret();
    clock.advance(1_000);
    const refreshed = await secret();

    expect(concurrent).toEqual(['token-1', 'token-1', 'token-1']);
    expect(cached).toBe('token-1');
    expect(refreshed).toBe('token-2');
    expect(reads).toBe(2);
  });

  it('does not cache a failed read', async () => {
    const clock = new FakeClock();
    let reads = 0;
    const secret = cachedSecret(
      async () => {
        reads += 1;
        if (reads === 1) throw new Error('SSM unavailable');
        return 'token';
      },
      clock,
      60_000,
    );

    await expect(secret()).rejects.toThrow('SSM unavailable');
    await expect(secret()).resolves.toBe('token');
  });
});
