import { RESTORED_DATABASES_OVER_AGE_METRIC } from '../../lib/cost-guard/restored-databases';
import { metricsIdentity } from '../../lib/telemetry/metrics';
import { allStatements, asList, loadTemplate, resourcesOfType } from './support/template';

/**
 * The cost guard in the packaged template: the alarm watches exactly the metric the readiness
 * function emits (a name or dimension apart and it would never fire), tells the alarm topic, and
 * the function that counts restored databases may only describe them.
 */
const template = loadTemplate();

describe('the cost guard in the packaged template', () => {
  const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
    ([, r]) => r.Properties?.MetricName === RESTORED_DATABASES_OVER_AGE_METRIC,
  );

  it('has one alarm on RestoredDatabasesOverAge, where the metric is emitted, to the alarm topic', () => {
    expect(alarms.map(([id]) => id)).toEqual(['RestoredDatabasesOverAgeAlarm']);
    const props = alarms[0]?.[1].Properties ?? {};
    // The metric's namespace and service as the deployed function reads them from its environment.
    const fn = template.Resources.CheckReadinessLambdaFunction?.Properties as
      | { Environment?: { Variables?: Record<string, string> } }
      | undefined;
    const { namespace, service } = metricsIdentity(fn?.Environment?.Variables ?? {});
    expect(fn?.Environment?.Variables?.POWERTOOLS_METRICS_NAMESPACE).toBeDefined();

    expect(props).toMatchObject({
      AlarmName: 'lifeboat-dev-restored-databases-over-age',
      Namespace: namespace,
      Dimensions: [
        { Name: 'service', Value: service },
        { Name: 'stage', Value: 'dev' },
      ],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'BackupAlarmTopic' }],
      OKActions: [{ Ref: 'BackupAlarmTopic' }],
    });
  });

  it('gives the readiness function RDS Describe calls and nothing that changes a database', () => {
    const rds = allStatements(template)
      .filter(({ owner }) => owner === 'CheckReadinessRole')
      .flatMap(({ statement }) => asList(statement.Action))
      .filter((a) => a.startsWith('rds:'));

    expect(rds).toEqual(expect.arrayContaining(['rds:DescribeDBInstances', 'rds:DescribeDBClusters']));
    expect(rds.filter((a) => !a.startsWith('rds:Describe'))).toEqual([]);
  });
});
