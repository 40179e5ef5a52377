import type { ScheduleDesign } from '../src/browser.js';

/** What the page asks the designer worker: both searches for one stack, tagged so stale answers can be dropped. */
export interface DesignRequest {
  id: number;
  kernel: number;
  layers: number;
  /** The largest dilation of the user's schedule: the first search stays within it. */
  maxDilation: number;
  /** The user's receptive field: the second search keeps schedules reaching it. */
  targetRf: number;
  /** Search budgets tried in turn, smallest first: each answer is the best found so far. */
  budgets: number[];
  limit: number;
}

/** One answer: the best found within `budget`, final when the search completed or the last budget ran out. */
export interface DesignReply {
  id: number;
  search: 'within' | 'reaching';
  design: ScheduleDesign | null;
  error: string | null;
  budget: number;
  /** The largest budget the worker will try. */
  maxBudget: number;
  final: boolean;
}
