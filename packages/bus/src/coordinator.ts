/**
 * On a fresh broker the group coordinator (and its offsets topic) appears a moment after the first request:
 * until then the broker answers NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE, which pass with time.
 */
export async function retryWhileCoordinatorMoves<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
