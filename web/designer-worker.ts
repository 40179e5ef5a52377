/**
 * The schedule designer off the page's thread: an exact search can take seconds for long stacks, and typing must
 * never wait for it. The page terminates this worker when a newer request makes a running search pointless.
 */
import { AtrousError, designSchedules, type ScheduleDesignOptions } from '../src/browser.js';
import type { DesignReply, DesignRequest } from './designer-messages.js';

const scope = globalThis as unknown as { onmessage: ((event: { data: DesignRequest }) => void) | null; postMessage(reply: DesignReply): void };

scope.onmessage = ({ data: request }) => {
  const base = { kernel: request.kernel, layers: request.layers, limit: request.limit, budget: request.budget };
  search(request.id, 'within', { ...base, maxDilation: request.maxDilation });
  search(request.id, 'reaching', { ...base, targetRf: request.targetRf });
};

function search(id: number, kind: DesignReply['search'], options: ScheduleDesignOptions): void {
  try {
    scope.postMessage({ id, search: kind, design: designSchedules(options), error: null });
  } catch (error) {
    if (!(error instanceof AtrousError)) throw error;
    scope.postMessage({ id, search: kind, design: null, error: error.message });
  }
}
