/** Types of generate-snapshot.mjs for the tests that use it. */
export function writeSnapshot(opts: { nodes: number; pods: number; pendingPods?: number; seed?: number; out?: string; formats?: ('yaml' | 'json')[] }): Record<string, string>;
export function kubeletNode(i: number): Record<string, unknown>;
export function replicaSetPod(app: string, ns: string, k: number, cpu: string, memory: string, node?: { name: string; ip: string }): Record<string, unknown>;
