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
  budget: number;
  limit: number;
}

/** One finished search; `within` arrives first (it is the quick one). */
export interface DesignReply {
  id: number;
  search: 'within' | 'reaching';
  design: ScheduleDesign | null;
  error: string | null;
}
