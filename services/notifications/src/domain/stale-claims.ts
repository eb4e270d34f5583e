/** What the sweep knows of the execution that holds a claim (DescribeExecution). */
export interface ClaimHolder {
  status: string;
  startDate?: Date;
  stopDate?: Date;
}

/**
 * A claim is stale once its execution can no longer settle it: that execution ended (or is unknown, its history gone)
 * at least `deadlineSeconds` ago. A running execution (or one waiting to be redriven) still owns its claim.
 */
export function isStaleClaim(holder: ClaimHolder, now: Date, deadlineSeconds: number): boolean {
  if (holder.status === 'RUNNING' || holder.status === 'PENDING_REDRIVE') return false;
  const since = holder.stopDate ?? holder.startDate;
  return !since || since.getTime() + deadlineSeconds * 1000 <= now.getTime();
}
