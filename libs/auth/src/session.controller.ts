import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ROLES, type Role } from '@klantcentraal/config';
import { Principal, Roles } from './auth.decorators';

export class SessionDto {
  @ApiProperty({ example: 'analyst', description: 'The name the API key is configured under' }) keyName: string;
  @ApiProperty({ enum: [...ROLES], isArray: true, example: ['analyst'] }) roles: Role[];
}

/** Who a key belongs to: lets a client (the web console) show what the key may do before calling anything else. */
@ApiTags('session')
@ApiBearerAuth()
@Controller('v1/session')
export class SessionController {
  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: "The calling API key's name and roles" })
  @ApiOkResponse({ type: SessionDto })
  session(@Principal() principal: Principal): SessionDto {
    return { keyName: principal.name, roles: [...principal.roles] };
  }
}
