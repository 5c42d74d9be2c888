// A FIFO queue that runs one task at a time (pure: no `vscode` import).
// AnkiConnect is serial (one connection per 25 ms tick, backlog 5) and resets parallel connections,
// so the client keeps exactly one request in flight.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private running = false;

  /** Tasks queued or running. */
  get size(): number {
    return this.waiting + (this.running ? 1 : 0);
  }

  /** Runs `task` after every task enqueued before it has settled; a failing task does not block the queue. */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(async () => {
      this.waiting--;
      this.running = true;
      try {
        return await task();
      } finally {
        this.running = false;
      }
    });
    // The chain continues whatever the task's outcome.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
