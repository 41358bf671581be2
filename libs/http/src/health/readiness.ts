import { Injectable } from '@nestjs/common';

/**
 * Start-up state for `/health/ready`: not ready until the composition root calls `markReady()` (after migrations
 * ran and every service started listening).
 */
@Injectable()
export class Readiness {
  private ready = false;

  markReady(): void {
    this.ready = true;
  }

  /** E.g. while shutting down, so a load balancer stops sending requests. */
  markNotReady(): void {
    this.ready = false;
  }

  get isReady(): boolean {
    return this.ready;
  }
}
