/**
 * Runs `work` when asked, one run at a time: requests arriving during a run make exactly one more run after it, so
 * a burst of requests costs at most two runs and the last one starts after the last request.
 */
export function coalesce(work: () => Promise<unknown>) {
  let running = false;
  let again = false;
  return async function request(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await work();
      } while (again);
    } finally {
      running = false;
    }
  };
}
