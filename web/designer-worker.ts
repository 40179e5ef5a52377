/**
 * The schedule designer off the page's thread: an exact search can take seconds for long stacks, and typing must
 * never wait for it. Each search runs with growing budgets and posts the best found after each, so the page shows
 * progress and partial results; the page terminates this worker when a newer request makes a search pointless.
 */
import { AtrousError, designSchedules, type ScheduleDesignOptions } from '../src/browser.js';
import type { DesignReply, DesignRequest } from './designer-messages.js';

const scope = globalThis as unknown as { onmessage: ((event: { data: DesignRequest }) => void) | null; postMessage(reply: DesignReply): void };

scope.onmessage = ({ data: request }) => {
  const base = { kernel: request.kernel, layers: request.layers, limit: request.limit };
  search(request, 'within', { ...base, maxDilation: request.maxDilation });
  search(request, 'reaching', { ...base, targetRf: request.targetRf });
};

function search(request: DesignRequest, kind: DesignReply['search'], options: ScheduleDesignOptions): void {
  const maxBudget = request.budgets[request.budgets.length - 1];
  for (const budget of request.budgets) {
    try {
      const design = designSchedules({ ...options, budget });
      const final = design.complete || budget === maxBudget;
      scope.postMessage({ id: request.id, search: kind, design, error: null, budget, maxBudget, final });
      if (final) return;
    } catch (error) {
      if (!(error instanceof AtrousError)) throw error;
      scope.postMessage({ id: request.id, search: kind, design: null, error: error.message, budget, maxBudget, final: true });
      return;
    }
  }
}
