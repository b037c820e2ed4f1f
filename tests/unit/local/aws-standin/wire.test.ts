import { AwsStandin } from '../../../../local/aws-standin/aws-standin';
import { el, QueryParams, tagsFrom } from '../../../../local/aws-standin/wire';

describe('aws-standin wire helpers', () => {
  it('reads flattened query lists and lists of structures in index order, not text order', () => {
    const params = new QueryParams(
      'Action=DescribeSnapshots&Owner.2=123456789012&Owner.1=self&Filter.10.Name=tag-key&Filter.10.Value.1=k' +
        '&Filter.2.Name=tag%3Alifeboat%3Asite&Filter.2.Value.2=b&Filter.2.Value.1=a',
    );

    expect(params.action).toBe('DescribeSnapshots');
    expect(params.list('Owner')).toEqual(['self', '123456789012']);
    expect(params.structs('Filter').map((f) => [f.get('Name'), f.list('Value')])).toEqual([
      ['tag:lifeboat:site', ['a', 'b']],
      ['tag-key', ['k']],
    ]);
  });

  it('reads tags and escapes XML text', () => {
    const params = new QueryParams('Tags.Tag.1.Key=a&Tags.Tag.1.Value=1&Tags.Tag.2.Key=b');

    expect([...tagsFrom(params.structs('Tags.Tag'))]).toEqual([
      ['a', '1'],
      ['b', ''],
    ]);
    expect(el('description', 'a <b> & "c"')).toBe(
      '<description>a &lt;b&gt; &amp; &quot;c&quot;</description>',
    );
    expect(el('x', undefined)).toBe('');
  });

  it('answers an unknown action with the EC2 error body, and a missing parameter as MissingParameter', () => {
    const standin = new AwsStandin();
    const text = (r: { body: Uint8Array }) => new TextDecoder().decode(r.body);

    const unknown = standin.answer('ec2', 'us-east-1', {
      method: 'POST',
      headers: {},
      body: 'Action=RunInstances&Version=2016-11-15',
    });
    const missing = standin.answer('rds', 'us-east-1', {
      method: 'POST',
      headers: {},
      body: 'Action=DescribeDBSnapshots&Version=2014-10-31&MaxRecords=5',
    });

    expect(unknown.statusCode).toBe(400);
    expect(text(unknown)).toContain('<Errors><Error><Code>InvalidAction</Code>');
    expect(missing.statusCode).toBe(400);
    expect(text(missing)).toContain(
      '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameterValue</Code>',
    );
  });
});
