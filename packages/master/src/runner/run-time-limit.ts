/** `-t/--run-time` (or a web form's run time): one timer per test; a new limit replaces the old one. */
export class RunTimeLimit {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly reached: () => void) {}

  set(seconds: number): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.reached();
    }, seconds * 1000);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
