/**
 * Distinct metric series (name plus dimension values) in EMF lines: CloudWatch bills each one per
 * month.
 *
 * @example
 * ```ts
 * emfSeries(['{"_aws":{...,"Dimensions":[["service"]],"Metrics":[{"Name":"X"}]},"service":"s","X":1}']); // ['X service=s']
 * ```
 */
export function emfSeries(lines: readonly string[]): string[] {
  const series = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith('{"_aws"')) continue;
    const emf = JSON.parse(line) as {
      _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
      [key: string]: unknown;
    };
    for (const directive of emf._aws.CloudWatchMetrics) {
      for (const dimensions of directive.Dimensions) {
        const dims = dimensions.map((d) => `${d}=${String(emf[d])}`).join(',');
        for (const metric of directive.Metrics) series.add(`${metric.Name} ${dims}`);
      }
    }
  }
  return [...series].sort();
}
