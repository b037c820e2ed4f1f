import { cidrWithin, exposureOf } from '../../../lib/recovery/sandbox-exposure';

describe('cidrWithin', () => {
  it.each([
    ['203.0.113.0/24', '203.0.113.0/24', true],
    ['203.0.113.8/29', '203.0.113.0/24', true],
    ['203.0.113.7/32', '203.0.113.0/24', true],
    ['203.0.112.0/23', '203.0.113.0/24', false],
    ['203.0.114.0/24', '203.0.113.0/24', false],
    ['0.0.0.0/0', '203.0.113.0/24', false],
    ['not-a-cidr', '203.0.113.0/24', false],
  ])('%s within %s: %s', (inner, outer, expected) => {
    expect(cidrWithin(inner, outer)).toBe(expected);
  });
});

describe('exposureOf', () => {
  it('lists every rule that admits more than the operator CIDR', () => {
    const exposure = exposureOf(
      [
        { groupId: 'sg-1', cidrs: ['203.0.113.0/25', '0.0.0.0/0'], ipv6Cidrs: ['::/0'], prefixLists: [] },
        { groupId: 'sg-2', cidrs: [], ipv6Cidrs: [], prefixLists: ['pl-0abc'] },
      ],
      '203.0.113.0/24',
    );

    expect(exposure).toEqual([
      'sg-1 admits 0.0.0.0/0',
      'sg-1 admits ::/0',
      'sg-2 admits prefix list pl-0abc',
    ]);
  });

  it('is empty when only the operator gets in', () => {
    expect(
      exposureOf(
        [{ groupId: 'sg-1', cidrs: ['203.0.113.0/24'], ipv6Cidrs: [], prefixLists: [] }],
        '203.0.113.0/24',
      ),
    ).toEqual([]);
  });
});
