import { Body, Controller, HttpCode, Inject, NotFoundException, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, Roles } from '@klantcentraal/auth';
import { ApiErrorResponses } from '@klantcentraal/http';
import type { ErasureService } from '@klantcentraal/privacy';
import { ERASURES } from '../privacy-api.tokens';
import { EraseRequestDto, ErasureDto } from './erasures.dto';

@ApiTags('privacy')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404)
@Roles('admin')
@Controller('v1/privacy/erasures')
export class ErasuresController {
  constructor(@Inject(ERASURES) private readonly erasures: ErasureService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: "Erase a contact's or a whole customer's personal data (crypto-shredding)",
    description:
      'Appends PersonalDataErased and destroys the data subject’s keys; afterwards every read shows the erased fields as ' +
      'null (read with X-Min-Position: globalPosition). Erasing what is already erased answers 200 with the first answer.',
  })
  @ApiCreatedResponse({ type: ErasureDto })
  @ApiOkResponse({ type: ErasureDto, description: 'Already erased: the first answer' })
  async erase(
    @Body() body: EraseRequestDto,
    @Principal() principal: Principal,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<ErasureDto> {
    const outcome = await this.erasures.erase(body, { userId: principal.name });
    if (outcome.kind === 'not-found') throw new NotFoundException({ error: 'not-found', message: outcome.message });
    if (!outcome.created) response.status(200);
    return outcome.answer;
  }
}
