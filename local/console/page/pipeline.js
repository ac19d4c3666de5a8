/** The Pipeline tab (charts); filled in by the metrics step. */
export function createPipelinePanel() {
  return { refresh: async () => undefined };
}
