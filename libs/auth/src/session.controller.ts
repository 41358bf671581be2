import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { accountScope, masksContacts } from './api-key-registry';
import { ROLES, type Role } from '@klantcentraal/config';
import { Principal, Roles } from './auth.decorators';

export class SessionDto {
  @ApiProperty({ example: 'analyst', description: 'The name the API key is configured under' }) keyName: string;
  @ApiProperty({ enum: [...ROLES], isArray: true, example: ['analyst'] }) roles: Role[];
  @ApiProperty({ type: String, nullable: true, example: 'u-3', description: "Only this account manager's customers are readable (a scoped sales key); null: no restriction" })
  accountManager: string | null;
  @ApiProperty({ description: "Contacts' name and e-mail read as null for this key (analysts work with aggregates)" })
  contactsMasked: boolean;
}

/** Who a key belongs to: lets a client (the web console) show what the key may do before calling anything else. */
@ApiTags('session')
@ApiBearerAuth()
@Controller('v1/session')
export class SessionController {
  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: "The calling API key's name, roles and what its reads are limited to" })
  @ApiOkResponse({ type: SessionDto })
  session(@Principal() principal: Principal): SessionDto {
    return {
      keyName: principal.name,
      roles: [...principal.roles],
      accountManager: accountScope(principal),
      contactsMasked: masksContacts(principal),
    };
  }
}
