import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import { AuditCustomerPathDto } from '../history/audit-event.dto';
import { StreamVerificationDto } from './stream-verification.dto';
import { VerifyCustomerStreamQuery } from './verify-customer-stream.query';

@ApiTags('audit')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404)
@Controller('v1/audit/customers')
export class CustomerVerificationController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':customerId/verify')
  @Roles('auditor')
  @ApiOperation({
    summary: "Recompute every hash of a customer's stream",
    description:
      'Each stored hash must equal lowercase hex SHA-256 of the previous hash (64 zeros for revision 0) followed by ' +
      'the canonical JSON of the stored envelope, each previousHash must equal the prior hash, revisions must be ' +
      'gap-free, and the stream head must match its last event. `firstInvalidRevision` is the first revision where ' +
      'one of these fails. Personal data will be stored encrypted per data subject (erasure deletes the key), so the ' +
      'hashes, which cover the stored form, still verify after an erasure.',
  })
  @ApiOkResponse({ type: StreamVerificationDto })
  async verify(@Param() { customerId }: AuditCustomerPathDto): Promise<StreamVerificationDto> {
    const result = await this.queryBus.execute(new VerifyCustomerStreamQuery(customerId));
    const { events, lastHash, lastRevision } = result;
    return result.valid
      ? { valid: true, events, lastHash, lastRevision }
      : { valid: false, events, firstInvalidRevision: result.firstInvalidRevision, reason: result.reason, lastHash, lastRevision };
  }
}
