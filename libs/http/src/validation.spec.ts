import { plainToInstance, Type } from 'class-transformer';
import { IsArray, IsInt, IsString, Max, ValidateNested, validateSync } from 'class-validator';
import { validationDetails } from './validation';

class Line {
  @IsInt() @Max(10) quantity: number;
}
class Item {
  @IsString() name: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Line) lines: Line[];
}
class Body {
  @IsInt() revision: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Item) items: Item[];
}

const detailsOf = (plain: object) =>
  validationDetails(validateSync(plainToInstance(Body, plain), { whitelist: true, forbidNonWhitelisted: true }));

describe('validationDetails', () => {
  it('names every bad field by its full path: array items as [i], fields as .name', () => {
    const details = detailsOf({
      revision: 'x',
      items: [{ name: 'ok', lines: [{ quantity: 1 }, { quantity: 11 }] }, { name: 7, lines: [], extra: true }],
    });
    expect(details).toEqual([
      { path: 'revision', message: 'must be an integer number' },
      { path: 'items[0].lines[1].quantity', message: 'must not be greater than 10' },
      { path: 'items[1].extra', message: 'unknown field: not allowed here' },
      { path: 'items[1].name', message: 'must be a string' },
    ]);
  });

  it('joins several messages of one field', () => {
    expect(detailsOf({ revision: 1, items: [{ name: 'a', lines: [{}] }] })).toEqual([
      { path: 'items[0].lines[0].quantity', message: 'must not be greater than 10; must be an integer number' },
    ]);
  });
});
